using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// What a caller sees of an HTTP answer: the status, every header but <c>Date</c> (each host's clock), and the body.
/// Two answers are compared by their <see cref="Render"/>ed text, so a difference shows as a readable diff. A valid
/// <c>traceparent</c> (each request's own trace and span) is rendered as its shape, <see cref="TraceParentShape"/>: both
/// hosts must answer with one, and an invalid one shows as it is.
/// </summary>
public sealed record Answer(HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>Headers each host writes from its own clock.</summary>
    public static readonly IReadOnlySet<string> Clock = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Date" };

    /// <summary>What a valid <c>traceparent</c> is rendered as.</summary>
    public const string TraceParentShape = "00-{trace-id}-{span-id}-{flags}";

    private static readonly Regex TraceParent = new("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !Clock.Contains(h.Key))
            .Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), string.Join(", ", h.Value)))
            .Select(h => h.Key == "traceparent" && TraceParent.IsMatch(h.Value) ? KeyValuePair.Create(h.Key, TraceParentShape) : h)
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .ToArray();
        return new Answer(response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The values of these JSON properties (at any depth) replaced by <c>"…"</c>: what must differ between two hosts.
    /// The body is written anew, so <c>Content-Length</c> no longer applies and is left out.
    /// </summary>
    public Answer Masked(params string[] properties)
    {
        if (properties.Length == 0 || MediaType?.EndsWith("json", StringComparison.Ordinal) != true)
        {
            return this;
        }

        var node = JsonNode.Parse(Body);
        Mask(node, new HashSet<string>(properties, StringComparer.Ordinal));
        return this with { Headers = WithoutLength(), Body = node?.ToJsonString(Readable) ?? "null" };
    }

    /// <summary>Every occurrence of <paramref name="value"/>, in the headers and the body, replaced by <paramref name="placeholder"/> (and no <c>Content-Length</c>).</summary>
    public Answer Replaced(string value, string placeholder) => this with
    {
        Headers = WithoutLength().Select(h => KeyValuePair.Create(h.Key, h.Value.Replace(value, placeholder, StringComparison.Ordinal))).ToArray(),
        Body = Body.Replace(value, placeholder, StringComparison.Ordinal),
    };

    /// <summary>Status, headers and body as text; the unit of comparison.</summary>
    public string Render() =>
        $"{(int)Status} {Status}{Environment.NewLine}{string.Join(Environment.NewLine, Headers.Select(h => $"{h.Key}: {h.Value}"))}{Environment.NewLine}{Environment.NewLine}{Body}";

    /// <summary>One line for the table: status and media type, with the Location when there is one.</summary>
    public string Summary() =>
        $"{(int)Status} {MediaType ?? "(no body)"}{(Header("Location") is { } location ? ", Location " + location : string.Empty)}";

    private KeyValuePair<string, string>[] WithoutLength() => Headers.Where(h => h.Key != "content-length").ToArray();

    private static void Mask(JsonNode? node, IReadOnlySet<string> properties)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var (name, value) in json.ToArray())
                {
                    if (properties.Contains(name))
                    {
                        json[name] = value is null ? null : "…";
                    }
                    else
                    {
                        Mask(value, properties);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Mask(item, properties);
                }

                break;
        }
    }
}

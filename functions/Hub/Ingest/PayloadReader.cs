using System.Net.Mime;
using System.Text.Unicode;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Mellanrum.Hub.Ingest;

/// <summary>The update as the source sent it, unwrapped from any CloudEvents envelope.</summary>
public sealed record Payload(JsonElement Update, string? CloudEventId);

/// <summary>
/// Reads a body by its content type: <c>application/json</c> (canonical or profile-shaped), CloudEvents 1.0 structured
/// (<c>application/cloudevents+json</c>) or binary mode (<c>ce-*</c> headers). Answers 415, 400 or 422 as a <see cref="Problem"/>.
/// </summary>
public static class PayloadReader
{
    public const string CloudEventsJson = "application/cloudevents+json";
    private static readonly JsonEventFormatter Formatter = new();

    public static (Payload? Payload, Problem? Problem) Read(string? contentType, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body)
    {
        ContentType parsed;
        try
        {
            parsed = new ContentType(string.IsNullOrWhiteSpace(contentType) ? "missing/none" : contentType);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // ArgumentException: a parameter given twice ("charset=utf-8; charset=latin1").
            return (null, Problem.UnsupportedMediaType(contentType));
        }

        if (parsed.CharSet is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problem.UnsupportedMediaType(contentType));
        }

        var mediaType = parsed.MediaType.ToLowerInvariant();
        var binaryMode = headers.ContainsKey("ce-specversion");
        return mediaType switch
        {
            CloudEventsJson => Structured(body, parsed),
            "application/json" when binaryMode => Binary(headers, body),
            "application/json" => Json(body) is { } json ? (new Payload(json, null), null) : (null, Unreadable()),
            _ => (null, Problem.UnsupportedMediaType(contentType)),
        };
    }

    /// <summary>
    /// JSON as RFC 8259 has it between systems: UTF-8 throughout (a JSON reader would quietly turn broken bytes into
    /// U+FFFD) and every name in an object once (I-JSON, RFC 7493), so that no two readers of a signed body can see two
    /// different updates in it.
    /// </summary>
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private static JsonElement? Json(ReadOnlyMemory<byte> body)
    {
        if (!Utf8.IsValid(body.Span))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body, Strict);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Problem Unreadable() => Problem.BadRequest("The body is not valid UTF-8 JSON (with each property of an object once).");

    private static (Payload?, Problem?) Structured(ReadOnlyMemory<byte> body, ContentType contentType)
    {
        if (Json(body) is not { } envelope)
        {
            return (null, Unreadable());
        }

        if (envelope.ValueKind != JsonValueKind.Object)
        {
            return (null, Problem.Invalid([new InvalidParameter("$", "A CloudEvent must be a JSON object.")]));
        }

        var errors = new List<InvalidParameter>();
        string? Attribute(string name) =>
            envelope.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

        if (Attribute("specversion") != "1.0")
        {
            errors.Add(new InvalidParameter("specversion", "Must be \"1.0\".", Ids.Echo(Attribute("specversion"))));
        }

        foreach (var name in new[] { "id", "source", "type" })
        {
            if (Attribute(name) is null)
            {
                errors.Add(new InvalidParameter(name, "Required CloudEvents attribute."));
            }
        }

        if (Attribute("datacontenttype") is { } dct && !dct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new InvalidParameter("datacontenttype", "Must be application/json.", Ids.Echo(dct)));
        }

        if (!envelope.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new InvalidParameter("data", "Required: the update as a JSON object."));
        }

        if (errors.Count > 0)
        {
            return (null, Problem.Invalid(errors));
        }

        try
        {
            var cloudEvent = Formatter.DecodeStructuredModeMessage(body, contentType, extensionAttributes: null);
            return (new Payload((JsonElement)cloudEvent.Data!, cloudEvent.Id), null);
        }
        catch (ArgumentException e)
        {
            return (null, Problem.Invalid([new InvalidParameter("$", "Not a valid CloudEvent: " + Ids.Echo(e.Message))]));
        }
    }

    private static (Payload?, Problem?) Binary(IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body)
    {
        var errors = new List<InvalidParameter>();
        string? Header(string name) => headers.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        if (Header("ce-specversion") != "1.0")
        {
            errors.Add(new InvalidParameter("ce-specversion", "Must be 1.0.", Ids.Echo(Header("ce-specversion"))));
        }

        foreach (var name in new[] { "ce-id", "ce-source", "ce-type" })
        {
            if (Header(name) is null)
            {
                errors.Add(new InvalidParameter(name, "Required CloudEvents header."));
            }
        }

        if (Json(body) is not { } json)
        {
            return (null, Unreadable());
        }

        if (errors.Count > 0)
        {
            return (null, Problem.Invalid(errors));
        }

        try
        {
            var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
            {
                Id = Header("ce-id"),
                Source = new Uri(Header("ce-source")!, UriKind.RelativeOrAbsolute),
                Type = Header("ce-type"),
                DataContentType = "application/json",
            };
            Formatter.DecodeBinaryModeEventData(body, cloudEvent);
            return (new Payload(json, cloudEvent.Id), null);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            return (null, Problem.Invalid([new InvalidParameter("ce-source", "Not a valid URI reference.", Ids.Echo(Header("ce-source")))]));
        }
    }
}

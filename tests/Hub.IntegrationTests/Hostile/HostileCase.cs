using System.Text.Json;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>One bad request of the corpus: what it is, which route it aims at, how it is sent, what a user must see.</summary>
public sealed record HostileCase(string Category, string Name, string Route, HostileSend Send, Expect Expect);

/// <summary>How a case is sent.</summary>
public abstract record HostileSend
{
    /// <summary>
    /// Through <see cref="HttpClient"/>: when <paramref name="Validated"/>, the hub's client, which checks each answer of a
    /// documented operation against the OpenAPI document.
    /// </summary>
    public sealed record Client(Func<HttpRequestMessage> Request, bool Validated = true) : HostileSend;

    /// <summary>As raw bytes on a socket, for what <see cref="HttpClient"/> will not send.</summary>
    public sealed record Raw(byte[] Head, RawHttp.Writing? Body = null, bool HeadRequest = false) : HostileSend;
}

/// <summary>What a user sees of one answer.</summary>
public sealed record Answer(int Status, string? MediaType, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, bool HeadRequest)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// What the answer must be: one of <see cref="Statuses"/> (any 4xx when null), as <c>application/problem+json</c> with
/// type, title, status and detail when <see cref="Problem"/> (every refusal), and whatever <see cref="Check"/> adds.
/// </summary>
public sealed record Expect(IReadOnlySet<int>? Statuses, bool Problem = true, Func<Answer, string?>? Check = null)
{
    public static readonly Expect Any4xx = new((IReadOnlySet<int>?)null);

    public static Expect Status(params int[] statuses) => new(statuses.ToHashSet());

    public Expect And(Func<Answer, string?> check) => this with { Check = Check is null ? check : a => Check(a) ?? check(a) };

    /// <summary>Every way the answer differs from this expectation; empty when it is what a user must see.</summary>
    public IReadOnlyList<string> Failures(Answer answer)
    {
        var failures = new List<string>();
        if (answer.Status >= 500)
        {
            failures.Add($"a {answer.Status}");
        }
        else if (Statuses is null ? answer.Status is < 400 or > 499 : !Statuses.Contains(answer.Status))
        {
            failures.Add($"status {answer.Status}, expected {(Statuses is null ? "a 4xx" : string.Join(" or ", Statuses))}");
        }

        if (Problem && answer.Status >= 400)
        {
            failures.AddRange(ProblemFailures(answer));
        }

        if (Check?.Invoke(answer) is { } failed)
        {
            failures.Add(failed);
        }

        return failures;
    }

    private static IEnumerable<string> ProblemFailures(Answer answer)
    {
        if (answer.MediaType != "application/problem+json")
        {
            yield return $"content type {answer.MediaType ?? "(none)"}, expected application/problem+json";
            yield break;
        }

        if (answer.HeadRequest)
        {
            yield break;
        }

        JsonElement problem;
        string? error = null;
        try
        {
            problem = JsonDocument.Parse(answer.Body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            problem = default;
            error = $"a problem body that is not JSON ({e.Message})";
        }

        if (error is not null)
        {
            yield return error;
            yield break;
        }

        foreach (var member in new[] { "type", "title", "detail" })
        {
            if (!problem.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 })
            {
                yield return $"a problem without {member}";
            }
        }

        if (!problem.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || status.GetInt32() != answer.Status)
        {
            yield return $"a problem whose status is not {answer.Status}";
        }
    }
}

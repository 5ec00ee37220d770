using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Digest;

/// <summary>One run of a month's digest (the timer's or the operator's): queued, composing, then sending.</summary>
public sealed record DigestRun(
    string Month,
    string Id,
    string By,
    string State,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset QueuedAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset? Cutoff = null,
    int? Updates = null,
    int? Late = null,
    int? Partners = null,
    string? Error = null)
{
    public const string Queued = "queued";
    public const string Composing = "composing";
    public const string Sending = "sending";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>What a run did for one partner: each recipient's outcome by a hash of the address (never the address).</summary>
public sealed record PartnerOutcome(string PartnerId, string State, bool Digest, IReadOnlyDictionary<string, string> Recipients)
{
    /// <summary>Every recipient settled (sent, skipped, uncertain, invalid, or refused by the server).</summary>
    public const string Done = "done";

    /// <summary>A recipient's server could not be reached: a later job of the run tries again.</summary>
    public const string Retrying = "retrying";

    /// <summary>Failed every attempt.</summary>
    public const string Failed = "failed";
}

/// <summary>A recipient's outcome within a run.</summary>
public static class RecipientOutcome
{
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
    public const string Uncertain = "uncertain";
    public const string Invalid = "invalid";
}

/// <summary>
/// A message on the <c>digests</c> queue: a month to compose (<see cref="MonthJob"/>, one per run), or a batch of
/// partners whose digests to compose and send from the month's shared index (<see cref="PartnersJob"/>).
/// <see cref="TraceParent"/> is the trace of what started the run (the admin request or the timer): each job runs in a
/// trace of its own, linked to it.
/// </summary>
public sealed record DigestJob(string Type, string Month, string Run, IReadOnlyList<string>? Partners = null, int Attempt = 1, string? TraceParent = null)
{
    public const string MonthJob = "month";
    public const string PartnersJob = "partners";

    public string ToJson() => JsonSerializer.Serialize(this, HubJson.Options);

    /// <summary>The job a message holds, or null when it holds none.</summary>
    public static DigestJob? Parse(string? message)
    {
        try
        {
            var job = string.IsNullOrWhiteSpace(message) ? null : JsonSerializer.Deserialize<DigestJob>(message, HubJson.Options);
            return job is { Type: MonthJob or PartnersJob } && DigestMonth.TryParse(job.Month, out _) && !string.IsNullOrEmpty(job.Run) ? job : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// <c>GET /api/v1/admin/digests/{yyyy-MM}</c>: the latest run of a month. <see cref="Partners"/> have digest recipients
/// (known once the month is composed); <see cref="Queued"/> of them are not done yet; <see cref="Digests"/> had something
/// for them; the rest count emails: sent, skipped (that recipient had the month's email already), failed (the server
/// refused it or could not be reached: a retry of the run may send it), uncertain (may or may not have left: never sent
/// again), invalid recipients. <see cref="PartnersFailed"/> failed every attempt.
/// </summary>
public sealed record DigestRunView(
    string Month,
    string Run,
    string By,
    string State,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset QueuedAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset? Cutoff,
    int? Updates,
    int? Late,
    int? Partners,
    int Queued,
    int Digests,
    int Sent,
    int Skipped,
    int Failed,
    int Uncertain,
    int InvalidRecipients,
    int PartnersFailed)
{
    public static DigestRunView Of(DigestRun run, IReadOnlyCollection<PartnerOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(outcomes);
        var done = outcomes.Count(o => o.State == PartnerOutcome.Done);
        var failed = outcomes.Count(o => o.State == PartnerOutcome.Failed);
        var queued = run.Partners is { } partners ? Math.Max(0, partners - done - failed) : 0;
        var state = run.State == DigestRun.Failed ? DigestRun.Failed
            : run.Partners is null ? run.State
            : queued == 0 ? DigestRun.Done
            : DigestRun.Sending;
        int Count(string outcome) => outcomes.Sum(o => o.Recipients.Values.Count(v => v == outcome));
        return new DigestRunView(
            run.Month, run.Id, run.By, state, run.QueuedAt, run.Cutoff, run.Updates, run.Late, run.Partners, queued,
            outcomes.Count(o => o.Digest), Count(RecipientOutcome.Sent), Count(RecipientOutcome.Skipped), Count(RecipientOutcome.Failed),
            Count(RecipientOutcome.Uncertain), Count(RecipientOutcome.Invalid), failed);
    }
}

/// <summary>The month's shared index and its runs' progress.</summary>
public interface IDigestRunStore
{
    /// <summary>The month's shared index, once it was written whole (null before).</summary>
    Task<DigestIndexSnapshot?> ReadIndexAsync(DigestMonth month, CancellationToken cancellationToken);

    /// <summary>Writes the month's shared index; the first written whole stands.</summary>
    Task WriteIndexAsync(DigestIndexSnapshot snapshot, CancellationToken cancellationToken);

    Task SaveRunAsync(DigestRun run, CancellationToken cancellationToken);

    Task<DigestRun?> GetRunAsync(DigestMonth month, string runId, CancellationToken cancellationToken);

    Task<DigestRun?> LatestRunAsync(DigestMonth month, CancellationToken cancellationToken);

    Task<PartnerOutcome?> GetOutcomeAsync(DigestMonth month, string runId, string partnerId, CancellationToken cancellationToken);

    Task SaveOutcomeAsync(DigestMonth month, string runId, PartnerOutcome outcome, CancellationToken cancellationToken);

    Task<IReadOnlyList<PartnerOutcome>> OutcomesAsync(DigestMonth month, string runId, CancellationToken cancellationToken);
}

/// <summary>Puts digest jobs on the <c>digests</c> queue.</summary>
public interface IDigestJobQueue
{
    Task EnqueueAsync(DigestJob job, TimeSpan? delay, CancellationToken cancellationToken);
}

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>What became of one delivery.</summary>
public enum Outcome
{
    /// <summary>The newest update of its collaboration so far: it moved the collaboration's current state.</summary>
    Applied,

    /// <summary>An older update arriving after a newer one (retries reorder deliveries): kept, current state untouched.</summary>
    Late,

    /// <summary>An update already handled (same CloudEvent id): the hub, the broker or a lost lock redelivered it.</summary>
    Duplicate,
}

/// <summary>
/// A collaboration as this partner currently sees it: its name is its own (from the update that created it), never the
/// latest update's title, which is <see cref="LastTitle"/>.
/// </summary>
public sealed record CollaborationView(string Id, long Sequence, string LastUpdateId, string LastKind, string? Status, string Name, string LastTitle);

/// <summary>
/// Applies deliveries idempotently and in collaboration order, whatever order they arrive in:
/// <list type="bullet">
/// <item>a CloudEvent id seen before is a duplicate and is dropped (the hub delivers at least once);</item>
/// <item>within a collaboration, <c>sequence</c> decides: only an update newer than the last applied one changes the
/// collaboration's current state; an older one is recorded but changes nothing. Sequence numbers increase but may skip
/// one (the hub never reuses a number, and may leave a gap after a crash), so a gap is logged, never waited for.</item>
/// </list>
/// This sample keeps its state in memory. A real partner keeps the handled ids and each collaboration's last sequence in
/// its own database, written in the same transaction as the change the update causes, so a crash between "applied" and
/// "acknowledged" turns into a harmless duplicate.
/// </summary>
public sealed partial class UpdateProcessor(ILogger<UpdateProcessor> logger)
{
    private const int RememberedIds = 100_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, CollaborationView> collaborations = new(StringComparer.Ordinal);
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Queue<string> seenOrder = new();

    public Outcome Handle(HubEvent hubEvent)
    {
        lock (gate)
        {
            if (!seen.Add(hubEvent.Id))
            {
                LogDuplicate(hubEvent.Id, hubEvent.Collaboration);
                return Outcome.Duplicate;
            }

            Remember(hubEvent.Id);
            var current = collaborations.GetValueOrDefault(hubEvent.Collaboration);
            if (current is not null && hubEvent.Sequence <= current.Sequence)
            {
                LogLate(hubEvent.Id, hubEvent.Collaboration, hubEvent.Sequence, current.Sequence);
                return Outcome.Late;
            }

            if (current is not null && hubEvent.Sequence > current.Sequence + 1)
            {
                LogGap(hubEvent.Collaboration, current.Sequence, hubEvent.Sequence);
            }

            var update = hubEvent.Update;
            collaborations[hubEvent.Collaboration] = new CollaborationView(
                hubEvent.Collaboration,
                hubEvent.Sequence,
                hubEvent.Id,
                hubEvent.Kind,
                update.Status ?? current?.Status,
                current?.Name ?? update.CollaborationName ?? update.Title,
                update.Title);
            LogApplied(hubEvent.Id, hubEvent.Kind, hubEvent.Collaboration, hubEvent.Sequence);
            return Outcome.Applied;
        }
    }

    public CollaborationView? Collaboration(string id)
    {
        lock (gate)
        {
            return collaborations.GetValueOrDefault(id);
        }
    }

    private void Remember(string id)
    {
        seenOrder.Enqueue(id);
        if (seenOrder.Count > RememberedIds)
        {
            seen.Remove(seenOrder.Dequeue());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied update {UpdateId} ({Kind}) to {CollaborationId} at sequence {Sequence}")]
    private partial void LogApplied(string updateId, string kind, string collaborationId, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept late update {UpdateId} of {CollaborationId}: sequence {Sequence} is not after {CurrentSequence}")]
    private partial void LogLate(string updateId, string collaborationId, long sequence, long currentSequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped duplicate update {UpdateId} of {CollaborationId}")]
    private partial void LogDuplicate(string updateId, string collaborationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collaboration {CollaborationId} went from sequence {From} to {To}; the missing ones may still arrive (as late) or never")]
    private partial void LogGap(string collaborationId, long from, long to);
}

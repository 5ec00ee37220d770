namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>What became of one delivery.</summary>
public enum Outcome
{
    /// <summary>The newest update of its collaboration so far: it moved the collaboration's current state.</summary>
    Applied,

    /// <summary>
    /// An older update arriving after a newer one (a replay, or a delivery the hub let go ahead without its predecessor):
    /// applied in its place in the collaboration's history, and the current state worked out again from that history.
    /// </summary>
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
/// <item>within a collaboration, <c>sequence</c> decides the order. Every update is applied to the collaboration's
/// history in its place, and the current state is what the history says in sequence order: the name from the update
/// that created it, the status from the newest update that set one, the newest update's id, kind and title. So an
/// update that arrives late (after a newer one) still counts, where it belongs, and never overwrites what a newer one
/// said. Sequence numbers increase but may skip one (the hub never reuses a number, and may leave a gap after a crash),
/// so a gap is logged, never waited for.</item>
/// </list>
/// This sample keeps its state in memory (the last <see cref="RememberedPerCollaboration"/> updates of each
/// collaboration). A real partner keeps the handled ids and each collaboration's updates in its own database, written in
/// the same transaction as the change the update causes, so a crash between "applied" and "acknowledged" turns into a
/// harmless duplicate. It logs only a gap; the channel that received the delivery logs its one line
/// (<see cref="DeliveryLog"/>) with the outcome returned here.
/// </summary>
public sealed partial class UpdateProcessor(ILogger<UpdateProcessor> logger)
{
    private const int RememberedIds = 100_000;

    /// <summary>Updates kept per collaboration to apply a late one in its place; an older one than these changes nothing.</summary>
    public const int RememberedPerCollaboration = 1_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, SortedList<long, HubEvent>> histories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CollaborationView> collaborations = new(StringComparer.Ordinal);
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Queue<string> seenOrder = new();

    public Outcome Handle(HubEvent hubEvent)
    {
        lock (gate)
        {
            if (!seen.Add(hubEvent.Id))
            {
                return Outcome.Duplicate;
            }

            Remember(hubEvent.Id);
            if (!histories.TryGetValue(hubEvent.Collaboration, out var history))
            {
                history = [];
                histories[hubEvent.Collaboration] = history;
            }

            var newest = history.Count > 0 ? history.Keys[^1] : (long?)null;
            if (newest is { } last && hubEvent.Sequence > last + 1)
            {
                LogGap(hubEvent.Collaboration, last, hubEvent.Sequence);
            }

            history[hubEvent.Sequence] = hubEvent;
            if (history.Count > RememberedPerCollaboration)
            {
                history.RemoveAt(0);
            }

            collaborations[hubEvent.Collaboration] = Fold(hubEvent.Collaboration, history);
            return newest is { } current && hubEvent.Sequence <= current ? Outcome.Late : Outcome.Applied;
        }
    }

    public CollaborationView? Collaboration(string id)
    {
        lock (gate)
        {
            return collaborations.GetValueOrDefault(id);
        }
    }

    /// <summary>The collaboration as its history says, in sequence order.</summary>
    private static CollaborationView Fold(string id, SortedList<long, HubEvent> history)
    {
        var first = history.Values[0];
        var latest = history.Values[^1];
        var status = history.Values.Select(e => e.Update.Status).LastOrDefault(s => s is not null);
        var name = history.Values.Select(e => e.Update.CollaborationName).FirstOrDefault(n => n is not null) ?? first.Update.Title;
        return new CollaborationView(id, latest.Sequence, latest.Id, latest.Kind, status, name, latest.Update.Title);
    }

    private void Remember(string id)
    {
        seenOrder.Enqueue(id);
        if (seenOrder.Count > RememberedIds)
        {
            seen.Remove(seenOrder.Dequeue());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collaboration {CollaborationId} went from sequence {From} to {To}; the missing ones may still arrive (late, applied in their place) or never")]
    private partial void LogGap(string collaborationId, long from, long to);
}

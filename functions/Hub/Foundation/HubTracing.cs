using System.Diagnostics;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// The hub's spans (ActivitySource <c>Mellanrum.Hub</c>): one trace per update, from the POST (or a new root) through
/// <c>ingest</c>, the <c>fanout</c> queue and <c>deliver servicebus|queue|webhook</c>, carried between processes as a
/// <see cref="CarriedTrace"/>. Replays and digests start traces of their own, linked to what they came from. With no
/// listener nothing is started and nothing is allocated: every helper asks <see cref="ActivitySource.HasListeners"/> first.
/// </summary>
public static class HubTracing
{
    public const string SourceName = "Mellanrum.Hub";

    public const string Ingest = "ingest";
    public const string Fanout = "fanout";
    public const string DeliverServiceBus = "deliver servicebus";
    public const string DeliverQueue = "deliver queue";
    public const string DeliverWebhook = "deliver webhook";
    public const string Replay = "replay";
    public const string Digest = "digest";

    /// <summary>Span attributes: ids and outcomes only, never a body, a key or an address.</summary>
    public const string UpdateTag = "hub.update.id";
    public const string SourceTag = "hub.source";
    public const string PartnerTag = "hub.partner";
    public const string ChannelTag = "hub.channel";
    public const string OutcomeTag = "hub.outcome";
    public const string AttemptTag = "hub.attempt";
    public const string CountTag = "hub.count";
    public const string MonthTag = "hub.month";

    /// <summary>At most this many links on one span (a replay of thousands of updates links the first ones).</summary>
    public const int MaxLinks = 128;

    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>
    /// A span that continues a carried trace: its parent is <paramref name="carried"/> when valid, else
    /// <see cref="Activity.Current"/>. When the current span belongs to another trace (the queue trigger's invocation, the
    /// sweep), the new span links to it.
    /// </summary>
    public static Activity? Continue(string name, ActivityKind kind, CarriedTrace carried)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        if (!carried.TryGetContext(out var parent))
        {
            return Source.StartActivity(name, kind);
        }

        var current = Activity.Current;
        return current is null || current.TraceId == parent.TraceId
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind, parent, links: [new ActivityLink(current.Context)]);
    }

    /// <summary>A span under <see cref="Activity.Current"/>, or under <paramref name="fallback"/> when there is no current span.</summary>
    public static Activity? Start(string name, ActivityKind kind, CarriedTrace fallback = default)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        return Activity.Current is null && fallback.TryGetContext(out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
    }

    /// <summary>
    /// A span that starts a trace of its own, linked to <see cref="Activity.Current"/> (the request or timer that asked
    /// for it). Call it from the async method the span belongs to: it clears <see cref="Activity.Current"/> for that flow.
    /// </summary>
    public static Activity? StartRoot(string name, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        Activity.Current = null;
        var activity = current is null
            ? Source.StartActivity(name, kind)
            : Source.StartActivity(name, kind, default(ActivityContext), links: [new ActivityLink(current.Context)]);
        if (activity is null)
        {
            Activity.Current = current;
        }

        return activity;
    }

    /// <summary>Links <paramref name="activity"/> to a carried context (an original trace), up to <see cref="MaxLinks"/>.</summary>
    public static void Link(Activity? activity, CarriedTrace context)
    {
        if (activity is not null && activity.Links.Count() < MaxLinks && context.TryGetContext(out var linked) && linked.TraceId != activity.TraceId)
        {
            activity.AddLink(new ActivityLink(linked));
        }
    }

    /// <summary>The context a span hands on: its own, else <paramref name="carried"/> (no listener: the caller's context travels as it came).</summary>
    public static CarriedTrace Onward(Activity? span, CarriedTrace carried) => span is null ? carried : CarriedTrace.Of(span);
}

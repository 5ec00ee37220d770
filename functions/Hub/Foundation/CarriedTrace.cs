using System.Diagnostics;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// A W3C trace context as it travels with an update: the <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>) and
/// its optional <c>tracestate</c>, both as text, the way a queue message, a table row, a CloudEvent, a Service Bus
/// message and an HTTP header carry them. Empty when there is none (or what came was not valid): nothing is carried then.
/// </summary>
public readonly record struct CarriedTrace(string? Parent, string? State)
{
    public const string ParentHeader = "traceparent";
    public const string StateHeader = "tracestate";

    /// <summary>W3C's limit on <c>tracestate</c>: a longer one is dropped, never cut (cutting could break a vendor's entry).</summary>
    public const int MaxStateLength = 512;

    public bool IsEmpty => Parent is null;

    /// <summary>The context of <paramref name="activity"/> (its id is made once, by Activity itself); empty for none.</summary>
    public static CarriedTrace Of(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? new CarriedTrace(activity.Id, Keep(activity.TraceStateString)) : default;

    /// <summary>The context of <see cref="Activity.Current"/>, if any.</summary>
    public static CarriedTrace Current => Of(Activity.Current);

    /// <summary>What a caller or a stored row sent, if it is a valid <c>traceparent</c>: the strings are kept as they are.</summary>
    public static CarriedTrace Parse(string? parent, string? state) =>
        parent is { Length: 55 } && ActivityContext.TryParse(parent, null, out _) ? new CarriedTrace(parent, Keep(state)) : default;

    /// <summary>
    /// A new root context, flagged not sampled, for an update that came with none while no span is recorded: the update
    /// still travels with a trace id of its own (a partner can quote it), on both hosts alike.
    /// </summary>
    public static CarriedTrace NewRoot() =>
        new($"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00", null);

    /// <summary>This context, or <paramref name="other"/> when this one is empty.</summary>
    public CarriedTrace Or(CarriedTrace other) => IsEmpty ? other : this;

    /// <summary>The parsed context, for starting a span under it.</summary>
    public bool TryGetContext(out ActivityContext context)
    {
        if (Parent is not null && ActivityContext.TryParse(Parent, State, isRemote: true, out context))
        {
            return true;
        }

        context = default;
        return false;
    }

    /// <summary>The trace id (32 hex digits), or null.</summary>
    public string? TraceId => Parent?.Substring(3, 32);

    private static string? Keep(string? state) => state is { Length: > 0 and <= MaxStateLength } ? state : null;
}

using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// What the <c>fanout</c> queue carries: the id of an update whose fan-out is owed, and the W3C trace context of the
/// update's trace (<c>traceparent</c>, <c>tracestate</c>; absent on messages from before), which the fan-out continues.
/// </summary>
public sealed record FanoutRequested(
    string UpdateId,
    [property: JsonPropertyName(CarriedTrace.ParentHeader)] string? TraceParent = null,
    [property: JsonPropertyName(CarriedTrace.StateHeader)] string? TraceState = null)
{
    [JsonIgnore]
    public CarriedTrace Trace => CarriedTrace.Parse(TraceParent, TraceState);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The <c>deliveries</c> queue message: one delivery of one update to one partner over one channel, with the event it
/// carries. <paramref name="Channel"/> is null for a webhook (the message's first shape); a <c>servicebus</c> or
/// <c>queue</c> delivery here is a retry of a channel send that failed for now (its <paramref name="Body"/> is empty: the
/// event is built again from the stored update). <paramref name="Collaboration"/>, <paramref name="Sequence"/> and
/// <paramref name="Previous"/> place it in its (partner, channel, collaboration) chain: it is not sent before the
/// delivery of <paramref name="Previous"/> was delivered or dead-lettered (<see cref="DeliveryOrder"/>); null or 0
/// means nothing to wait for. A <paramref name="Replay"/> waits for nothing and moves no chain. <paramref name="TraceParent"/>
/// and <paramref name="TraceState"/> are the W3C trace context of the update's trace (or the replay's), which the
/// delivery continues and hands to the partner. <paramref name="ReceivedAt"/> is when the hub received the update (not
/// for a replay), for the lag from receipt to delivery (<c>hub.delivery.lag</c>).
/// </summary>
public sealed record WebhookDeliveryMessage(
    string PartnerId,
    string UpdateId,
    string Url,
    int Attempt,
    string Body,
    DateTimeOffset FirstAttemptAt,
    string? Channel = null,
    string? Collaboration = null,
    long? Sequence = null,
    long? Previous = null,
    bool Replay = false,
    [property: JsonPropertyName(CarriedTrace.ParentHeader)] string? TraceParent = null,
    [property: JsonPropertyName(CarriedTrace.StateHeader)] string? TraceState = null,
    DateTimeOffset? ReceivedAt = null)
{
    /// <summary>The carried trace context (empty when the message has none, or none valid).</summary>
    [JsonIgnore]
    public CarriedTrace Trace => CarriedTrace.Parse(TraceParent, TraceState);

    /// <summary>This message carrying <paramref name="trace"/>.</summary>
    public WebhookDeliveryMessage With(CarriedTrace trace) => this with { TraceParent = trace.Parent, TraceState = trace.State };

    /// <summary>The channel type: <see cref="PartnerChannel.Webhook"/> unless the message names another.</summary>
    public string ChannelType => Channel ?? PartnerChannel.Webhook;

    /// <summary>True when this delivery has a place in a chain (it moves the chain when it ends).</summary>
    public bool IsChained => !Replay && Collaboration is not null && Sequence is not null;

    public string ToJson() => JsonSerializer.Serialize(this, HubJson.Options);

    public static WebhookDeliveryMessage? Parse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<WebhookDeliveryMessage>(text, HubJson.Options);
            return message is { PartnerId.Length: > 0, UpdateId.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

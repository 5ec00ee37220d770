using System.Diagnostics;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>The spans and the counts of deliveries: one span per attempt on a channel, one count per attempt's end.</summary>
public static class DeliveryTelemetry
{
    /// <summary>
    /// The span of one attempt on a Service Bus, storage-queue or webhook channel: under <paramref name="carried"/> (the
    /// update's trace, as a <c>deliveries</c> message carries it) when given, else under the current span (fan-out, replay).
    /// </summary>
    public static Activity? Start(string channel, string partnerId, int attempt, CarriedTrace carried = default)
    {
        var span = HubTracing.Continue(
            channel switch
            {
                PartnerChannel.ServiceBus => HubTracing.DeliverServiceBus,
                PartnerChannel.Queue => HubTracing.DeliverQueue,
                _ => HubTracing.DeliverWebhook,
            },
            channel == PartnerChannel.Webhook ? ActivityKind.Client : ActivityKind.Producer,
            carried);
        span?.SetTag(HubTracing.PartnerTag, partnerId).SetTag(HubTracing.ChannelTag, channel).SetTag(HubTracing.AttemptTag, attempt);
        return span;
    }

    /// <summary>Counts each attempt's end (<c>hub.deliveries</c>); a hand-over to the <c>deliveries</c> queue is no attempt yet.</summary>
    public static void Count(IReadOnlyList<DeliveryAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            if (Outcome(attempt.Status) is { } outcome)
            {
                HubMetrics.Delivery(attempt.Channel, outcome);
            }
        }
    }

    private static string? Outcome(string status) => status switch
    {
        DeliveryLog.Delivered => "delivered",
        DeliveryLog.Retrying => "retry",
        DeliveryLog.DeadLettered or DeliveryLog.Failed => "dead-letter",
        _ => null,
    };
}

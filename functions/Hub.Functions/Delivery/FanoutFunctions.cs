using Mellanrum.Hub.Delivery;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Delivery;

/// <summary>Fan-out: from the <c>fanout</c> queue to every partner's channels; webhooks through <c>deliveries</c>; the overdue sweep.</summary>
public sealed class FanoutFunctions(FanoutService fanout, WebhookDeliveryProcessor deliveries, FanoutSweep sweep)
{
    [Function(nameof(FanOut))]
    public Task FanOut([QueueTrigger("%HubFanoutQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        fanout.FanoutAsync(message, cancellationToken);

    [Function(nameof(DeliverWebhook))]
    public Task DeliverWebhook([QueueTrigger("%HubDeliveriesQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        deliveries.ProcessAsync(message, cancellationToken);

    /// <summary>Re-queues updates whose fan-out is overdue, so a crash between storing and queueing loses nothing.</summary>
    [Function(nameof(SweepFanout))]
    public Task SweepFanout([TimerTrigger("%HubFanoutSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.SweepAsync(cancellationToken);
}

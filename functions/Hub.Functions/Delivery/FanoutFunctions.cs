using Mellanrum.Hub.Delivery;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Delivery;

/// <summary>
/// Fan-out: from the <c>fanout</c> queue to every partner's channels; webhooks (and retries of the other channels)
/// through <c>deliveries</c>; what failed every attempt on either queue becomes dead letters; the overdue sweep.
/// </summary>
public sealed class FanoutFunctions(FanoutService fanout, DeliveryWorker deliveries, FanoutSweep sweep)
{
    [Function(nameof(FanOut))]
    public Task FanOut([QueueTrigger("%HubFanoutQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        fanout.FanoutAsync(message, cancellationToken);

    /// <summary>A fan-out that failed every attempt: what it still owed becomes dead letters, visible and replayable.</summary>
    [Function(nameof(KeepPoisonedFanout))]
    public Task KeepPoisonedFanout([QueueTrigger("%HubFanoutQueue%-poison", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        fanout.GiveUpAsync(message, cancellationToken);

    [Function(nameof(DeliverWebhook))]
    public Task DeliverWebhook([QueueTrigger("%HubDeliveriesQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        deliveries.ProcessAsync(message, cancellationToken);

    /// <summary>A delivery that failed every attempt (storage or service errors): a dead letter, visible and replayable.</summary>
    [Function(nameof(KeepPoisonedDelivery))]
    public Task KeepPoisonedDelivery([QueueTrigger("%HubDeliveriesQueue%-poison", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        deliveries.KeepPoisonedAsync(message, cancellationToken);

    /// <summary>Re-queues updates whose fan-out is overdue, so a crash between storing and queueing loses nothing.</summary>
    [Function(nameof(SweepFanout))]
    public Task SweepFanout([TimerTrigger("%HubFanoutSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.SweepAsync(cancellationToken);
}

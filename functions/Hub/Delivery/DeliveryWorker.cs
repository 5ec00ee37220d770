using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Works the <c>deliveries</c> queue: every message is one delivery of one update to one partner over one channel.
/// A chained delivery waits for its predecessor (<see cref="DeliveryOrder.EnterAsync"/>: parked, released when the
/// predecessor ends); then a webhook goes to <see cref="WebhookDeliveryProcessor"/>, a Service Bus or storage-queue
/// retry is sent again here, on the same retry schedule as webhooks, and dead-lettered after it. When a chained
/// delivery ends (delivered or dead-lettered), its chain moves on. The poison handler turns a message that failed
/// every attempt into a dead letter, so nothing vanishes.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryOrder order,
    WebhookDeliveryProcessor webhooks,
    PartnerStore partners,
    UpdateStore updates,
    ServiceBusChannel serviceBus,
    StorageQueueChannel queues,
    WebhookRetrySchedule schedule,
    DeliveryLog log,
    HubStorage storage,
    TimeProvider time,
    ILogger<DeliveryWorker> logger)
{
    public async Task ProcessAsync(string text, CancellationToken cancellationToken)
    {
        // Unreadable (another version's, or damaged): failing leaves it to the queue's retries and then its poison queue.
        var message = WebhookDeliveryMessage.Parse(text) ?? throw new InvalidDataException("An unreadable deliveries message.");
        if (!await order.EnterAsync(message, cancellationToken))
        {
            return;
        }

        // The attempt continues the update's trace (the message carries it), linked to this invocation.
        using var span = DeliveryTelemetry.Start(message.ChannelType, message.PartnerId, message.Attempt, message.Trace);
        span?.SetTag(HubTracing.UpdateTag, message.UpdateId);
        var trace = HubTracing.Onward(span, message.Trace);
        var ended = message.ChannelType == PartnerChannel.Webhook
            ? await webhooks.ProcessAsync(message, cancellationToken, trace)
            : await RetryChannelAsync(message, trace, cancellationToken);
        span?.SetTag(HubTracing.OutcomeTag, ended ? "ended" : "retry");
        if (ended)
        {
            await order.CompleteAsync(message, cancellationToken);
        }
    }

    /// <summary>A <c>deliveries</c> message that failed every attempt: a dead letter (visible, replayable), and its chain moves on.</summary>
    public async Task KeepPoisonedAsync(string text, CancellationToken cancellationToken)
    {
        if (WebhookDeliveryMessage.Parse(text) is not { } message)
        {
            // No partner to give it to: failing keeps it, in deliveries-poison-poison, for an operator to read.
            logger.LogError("An unreadable poisoned deliveries message cannot become a dead letter; it is left in the poison queue's own poison queue");
            throw new InvalidDataException("An unreadable poisoned deliveries message.");
        }

        await log.DeadLetterAsync(
            new DeadLetter(message.PartnerId, message.UpdateId, message.ChannelType, message.Attempt, "The delivery failed every attempt to process it (storage or service errors); replay to send it.", time.GetUtcNow()),
            cancellationToken);
        await order.CompleteAsync(message, cancellationToken);
        logger.LogError("Dead-lettered the poisoned delivery of {UpdateId} to {PartnerId} over {Channel}", message.UpdateId, message.PartnerId, message.ChannelType);
    }

    /// <summary>Another attempt of a Service Bus or storage-queue send; true when it ended (delivered or dead-lettered).</summary>
    private async Task<bool> RetryChannelAsync(WebhookDeliveryMessage message, CarriedTrace trace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var channel = message.ChannelType;
        var partner = await partners.GetAsync(message.PartnerId, cancellationToken);
        if (partner is null || !partner.Channels.Any(c => c.Type == channel))
        {
            await DeadLetterAsync(message, $"The partner no longer has a {channel} channel; replay once it has one.", cancellationToken);
            return true;
        }

        if (await updates.GetStoredAsync(message.UpdateId, cancellationToken) is not { } stored)
        {
            logger.LogWarning("Delivery of {UpdateId} to {PartnerId}: the update is not stored", message.UpdateId, message.PartnerId);
            return true;
        }

        var events = new[] { OutboundEvent.From(stored.Update, stored.Sequence, message.Trace.Or(stored.Trace)) };
        var outcome = channel switch
        {
            PartnerChannel.ServiceBus => await serviceBus.SendAsync(partner.Id, events, cancellationToken, trace: trace),
            PartnerChannel.Queue => await queues.SendAsync(partner.Id, events, cancellationToken),
            _ => new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "Unknown channel type."),
        };
        var wait = outcome.Result == SendResult.Transient ? schedule.WaitAfter(message.Attempt) : null;
        var status = outcome.Result switch
        {
            SendResult.Delivered => DeliveryLog.Delivered,
            SendResult.Transient when wait is not null => DeliveryLog.Retrying,
            _ => DeliveryLog.DeadLettered,
        };
        log.Append([new DeliveryAttempt(partner.Id, message.UpdateId, channel, message.Attempt, status, null, outcome.Latency.TotalMilliseconds, outcome.Error, now)]);
        switch (status)
        {
            case DeliveryLog.Delivered:
                if (!message.Replay)
                {
                    HubMetrics.Delivered(channel, time.GetUtcNow() - stored.Update.ReceivedAt);
                }

                return true;
            case DeliveryLog.Retrying:
                var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
                var delay = wait!.Value > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : wait.Value;
                await deliveries.SendMessageAsync((message with { Attempt = message.Attempt + 1 }).ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
                logger.LogInformation("Delivery of {UpdateId} to {PartnerId} over {Channel} failed (attempt {Attempt}); next in {Wait}", message.UpdateId, partner.Id, channel, message.Attempt, delay);
                return false;
            default:
                await DeadLetterAsync(message, outcome.Result == SendResult.Transient ? $"Gave up after {message.Attempt} attempts; last: {outcome.Error}" : outcome.Error ?? "Delivery failed.", cancellationToken);
                return true;
        }
    }

    private async Task DeadLetterAsync(WebhookDeliveryMessage message, string reason, CancellationToken cancellationToken)
    {
        await log.DeadLetterAsync(new DeadLetter(message.PartnerId, message.UpdateId, message.ChannelType, message.Attempt, reason, time.GetUtcNow()), cancellationToken);
        logger.LogWarning("Dead-lettered the delivery of {UpdateId} to {PartnerId} over {Channel} after {Attempts} attempt(s)", message.UpdateId, message.PartnerId, message.ChannelType, message.Attempt);
    }
}

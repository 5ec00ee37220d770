using System.Text;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Works the <c>deliveries</c> queue: signs and posts one webhook, records the attempt, and on failure puts the delivery
/// back with the next wait of its schedule (a new message with a visibility delay), dead-letters it after the schedule,
/// and disables an endpoint that answered 410. A delivery to a URL the partner no longer has goes to its new URL when
/// the partner has exactly one webhook, and is dead-lettered with the reason otherwise; it is never dropped.
/// </summary>
public sealed class WebhookDeliveryProcessor(
    PartnerStore partners,
    SecretProtector protector,
    WebhookSender sender,
    WebhookRetrySchedule schedule,
    DeliveryLog log,
    HubStorage storage,
    TimeProvider time,
    ILogger<WebhookDeliveryProcessor> logger)
{
    /// <summary>
    /// Works one webhook delivery; true when it ended (delivered or dead-lettered), false when it was put back for a later
    /// attempt. The POST's <c>traceparent</c> is <paramref name="trace"/> (the attempt's span), else the message's.
    /// </summary>
    public async Task<bool> ProcessAsync(WebhookDeliveryMessage message, CancellationToken cancellationToken, CarriedTrace trace = default)
    {
        var partner = await partners.GetAsync(message.PartnerId, cancellationToken);
        var now = time.GetUtcNow();
        if (partner is not null && !partner.Channels.Any(c => c.Type == PartnerChannel.Webhook && c.Url == message.Url)
            && partner.Channels.Where(c => c.Type == PartnerChannel.Webhook).ToArray() is [{ Url: { } moved }])
        {
            logger.LogInformation("Webhook delivery of {UpdateId} to {PartnerId} follows the partner's endpoint to its new URL", message.UpdateId, message.PartnerId);
            message = message with { Url = moved };
        }

        if (partner is null || !partner.Channels.Any(c => c.Type == PartnerChannel.Webhook && c.Url == message.Url))
        {
            await DeadLetterAsync(message, partner is null || !partner.Channels.Any(c => c.Type == PartnerChannel.Webhook)
                ? "The partner no longer has a webhook endpoint; replay once it has one."
                : "The partner's webhook endpoints changed and none is the one this delivery was for; replay to send it to the current ones.", now, cancellationToken);
            return true;
        }

        if (partner.DisabledWebhooks?.Contains(message.Url) == true)
        {
            await DeadLetterAsync(message, "The endpoint was disabled after it answered 410 Gone.", now, cancellationToken);
            return true;
        }

        var secrets = partner.SigningSecrets(now).Select(s => protector.Unprotect(s.Stored)).ToArray();
        var result = await sender.SendAsync(new WebhookDelivery(partner.Id, message.UpdateId, message.Url, secrets, Encoding.UTF8.GetBytes(message.Body)) { Trace = trace.Or(message.Trace) }, cancellationToken);
        var decision = schedule.Decide(message.Attempt, result);
        var status = decision.Step switch
        {
            WebhookNextStep.Done => DeliveryLog.Delivered,
            WebhookNextStep.Retry => DeliveryLog.Retrying,
            _ => DeliveryLog.DeadLettered,
        };
        await log.RecordAsync([new DeliveryAttempt(partner.Id, message.UpdateId, PartnerChannel.Webhook, message.Attempt, status, result.StatusCode, result.Latency.TotalMilliseconds, result.Reason, now)], cancellationToken);
        if (status == DeliveryLog.Delivered && !message.Replay && message.ReceivedAt is { } receivedAt)
        {
            HubMetrics.Delivered(PartnerChannel.Webhook, time.GetUtcNow() - receivedAt);
        }

        switch (decision.Step)
        {
            case WebhookNextStep.Retry:
                var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
                var wait = decision.Wait > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : decision.Wait;
                await deliveries.SendMessageAsync((message with { Attempt = message.Attempt + 1 }).ToJson(), visibilityTimeout: wait, cancellationToken: cancellationToken);
                logger.LogInformation("Webhook delivery of {UpdateId} to {PartnerId} failed (attempt {Attempt}); next in {Wait}", message.UpdateId, partner.Id, message.Attempt, wait);
                return false;
            case WebhookNextStep.DisableEndpoint:
                await partners.UpdateAsync(partner.Id, p => p with { DisabledWebhooks = [.. (p.DisabledWebhooks ?? []).Append(message.Url).Distinct()] }, cancellationToken);
                await DeadLetterAsync(message, "The endpoint answered 410 Gone and is disabled; update the partner to enable it again.", now, cancellationToken);
                break;
            case WebhookNextStep.DeadLetter:
                await DeadLetterAsync(message, decision.Reason ?? "Delivery failed.", now, cancellationToken);
                break;
        }

        return true;
    }

    private async Task DeadLetterAsync(WebhookDeliveryMessage message, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await log.DeadLetterAsync(new DeadLetter(message.PartnerId, message.UpdateId, PartnerChannel.Webhook, message.Attempt, reason, now), cancellationToken);
        logger.LogWarning("Dead-lettered the webhook delivery of {UpdateId} to {PartnerId} after {Attempts} attempt(s)", message.UpdateId, message.PartnerId, message.Attempt);
    }
}

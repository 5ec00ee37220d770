using System.Text;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Works the <c>deliveries</c> queue: signs and posts one webhook, records the attempt, and on failure puts the delivery
/// back with the next wait of its schedule (a new message with a visibility delay), dead-letters it after the schedule,
/// and disables an endpoint that answered 410.
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
    public async Task ProcessAsync(string text, CancellationToken cancellationToken)
    {
        if (WebhookDeliveryMessage.Parse(text) is not { } message)
        {
            logger.LogError("Ignored an unreadable deliveries message");
            return;
        }

        var partner = await partners.GetAsync(message.PartnerId, cancellationToken);
        var now = time.GetUtcNow();
        if (partner is null || !partner.Channels.Any(c => c.Type == PartnerChannel.Webhook && c.Url == message.Url))
        {
            logger.LogWarning("Dropped a webhook delivery of {UpdateId}: partner {PartnerId} no longer has that endpoint", message.UpdateId, message.PartnerId);
            return;
        }

        if (partner.DisabledWebhooks?.Contains(message.Url) == true)
        {
            await DeadLetterAsync(message, "The endpoint was disabled after it answered 410 Gone.", now, cancellationToken);
            return;
        }

        var secrets = partner.SigningSecrets(now).Select(s => protector.Unprotect(s.Stored)).ToArray();
        var result = await sender.SendAsync(new WebhookDelivery(partner.Id, message.UpdateId, message.Url, secrets, Encoding.UTF8.GetBytes(message.Body)), cancellationToken);
        var decision = schedule.Decide(message.Attempt, result);
        var status = decision.Step switch
        {
            WebhookNextStep.Done => DeliveryLog.Delivered,
            WebhookNextStep.Retry => DeliveryLog.Retrying,
            _ => DeliveryLog.DeadLettered,
        };
        await log.RecordAsync([new DeliveryAttempt(partner.Id, message.UpdateId, PartnerChannel.Webhook, message.Attempt, status, result.StatusCode, result.Latency.TotalMilliseconds, result.Reason, now)], cancellationToken);

        switch (decision.Step)
        {
            case WebhookNextStep.Retry:
                var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
                var wait = decision.Wait > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : decision.Wait;
                await deliveries.SendMessageAsync((message with { Attempt = message.Attempt + 1 }).ToJson(), visibilityTimeout: wait, cancellationToken: cancellationToken);
                logger.LogInformation("Webhook delivery of {UpdateId} to {PartnerId} failed (attempt {Attempt}); next in {Wait}", message.UpdateId, partner.Id, message.Attempt, wait);
                break;
            case WebhookNextStep.DisableEndpoint:
                await partners.UpdateAsync(partner.Id, p => p with { DisabledWebhooks = [.. (p.DisabledWebhooks ?? []).Append(message.Url).Distinct()] }, cancellationToken);
                await DeadLetterAsync(message, "The endpoint answered 410 Gone and is disabled; update the partner to enable it again.", now, cancellationToken);
                break;
            case WebhookNextStep.DeadLetter:
                await DeadLetterAsync(message, decision.Reason ?? "Delivery failed.", now, cancellationToken);
                break;
        }
    }

    private async Task DeadLetterAsync(WebhookDeliveryMessage message, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await log.DeadLetterAsync(new DeadLetter(message.PartnerId, message.UpdateId, PartnerChannel.Webhook, message.Attempt, reason, now), cancellationToken);
        logger.LogWarning("Dead-lettered the webhook delivery of {UpdateId} to {PartnerId} after {Attempts} attempt(s)", message.UpdateId, message.PartnerId, message.Attempt);
    }
}

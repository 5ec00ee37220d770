using System.Text.Json;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>Thrown when some channels failed for now; the <c>fanout</c> message is retried and skips what was delivered.</summary>
public sealed class FanoutIncompleteException(string updateId, int failures)
    : Exception($"Fan-out of update {updateId} is incomplete: {failures} channel(s) failed for now.");

/// <summary>
/// Fan-out of one update: resolve its recipients, hand each to its channels, record what was delivered on the update,
/// close its outbox row. Safe to repeat: (partner, channel) pairs already delivered are skipped.
/// </summary>
public sealed class FanoutService(
    FanoutLedger ledger,
    UpdateRecorder recorder,
    CollaborationStore collaborations,
    PartnerStore partners,
    OrganisationRegistry organisations,
    ServiceBusChannel serviceBus,
    StorageQueueChannel queues,
    HubStorage storage,
    DeliveryLog log,
    TimeProvider time,
    ILogger<FanoutService> logger)
{
    public async Task FanoutAsync(string message, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<FanoutRequested>(message, HubJson.Options);
        if (request?.UpdateId is not { } id)
        {
            logger.LogError("Ignored a fanout message without an update id");
            return;
        }

        var record = await ledger.ReadAsync(id, cancellationToken);
        if (record is null)
        {
            logger.LogWarning("Fan-out for update {UpdateId}, which is not stored", id);
            return;
        }

        if (record.Done)
        {
            await ledger.CloseAsync(id, cancellationToken);
            return;
        }

        var update = record.Update;
        // Read just now without a sequence: assign it (and the timeline rows) without reading the update again.
        long sequence;
        if (record.Sequence is { } assigned)
        {
            sequence = assigned;
        }
        else
        {
            var recorded = await recorder.RecordAsync(update, knownSequence: null, unread: false, cancellationToken);
            if (recorded.Refused is not null)
            {
                logger.LogWarning("Fan-out for update {UpdateId}, whose sender is not a member: the update is not kept", id);
                await ledger.CloseAsync(id, cancellationToken);
                return;
            }

            sequence = recorded.Sequence;
        }

        await ledger.WaitForTurnAsync(update, sequence, cancellationToken);
        var collaboration = await collaborations.GetAsync(update.Collaboration, cancellationToken);
        var recipients = Router.Route(update, collaboration?.Organisations ?? update.Participants, collaboration?.Public ?? true, await partners.AllAsync(cancellationToken), organisations);
        var done = new HashSet<string>(record.Delivered, StringComparer.Ordinal);
        var outbound = OutboundEvent.From(update, sequence);

        var results = await Task.WhenAll(recipients.SelectMany(p => p.Channels.Distinct().Select(c => (Partner: p, Channel: c)))
            .Where(x => !done.Contains(Key(x.Partner, x.Channel)))
            .Select(async x => (x.Partner, x.Channel, Attempt: await DeliverAsync(x.Partner, x.Channel, [outbound], 1, cancellationToken))));

        var now = time.GetUtcNow();
        log.Append(results.Select(r => r.Attempt).ToArray());
        foreach (var dead in results.Where(r => r.Attempt.Status == DeliveryLog.DeadLettered))
        {
            await log.DeadLetterAsync(new DeadLetter(dead.Partner.Id, id, dead.Channel.Type, 1, dead.Attempt.Error ?? "failed", now), cancellationToken);
        }

        done.UnionWith(results.Where(r => r.Attempt.Status != DeliveryLog.Retrying).Select(r => Key(r.Partner, r.Channel)));
        var failures = results.Count(r => r.Attempt.Status == DeliveryLog.Retrying);
        await ledger.SaveAsync(id, done, recipients.Select(p => p.Id), done: failures == 0, cancellationToken);
        if (failures > 0)
        {
            throw new FanoutIncompleteException(id, failures);
        }

        // Both after the update says "done": the mark lets the collaboration's next update go, the outbox row is no longer needed.
        await Task.WhenAll(
            ledger.MarkAsync(update.Collaboration, sequence, cancellationToken),
            ledger.CloseAsync(id, cancellationToken));
        logger.LogInformation("Fanned out update {UpdateId} to {Recipients} partner(s)", id, recipients.Count);
    }

    /// <summary>Sends events to one partner over one channel (webhooks: queued for the delivery worker) and says how it went.</summary>
    public async Task<DeliveryAttempt> DeliverAsync(Partner partner, PartnerChannel channel, IReadOnlyList<OutboundEvent> events, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updateId = events.Count == 1 ? events[0].UpdateId : $"{events.Count} updates";
        ChannelOutcome outcome;
        switch (channel.Type)
        {
            case PartnerChannel.ServiceBus:
                outcome = await serviceBus.SendAsync(partner.Id, events, cancellationToken);
                break;
            case PartnerChannel.Queue:
                outcome = await queues.SendAsync(partner.Id, events, cancellationToken);
                break;
            case PartnerChannel.Webhook when partner.DisabledWebhooks?.Contains(channel.Url!) == true:
                outcome = new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "The endpoint was disabled after it answered 410 Gone.");
                break;
            case PartnerChannel.Webhook:
                var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
                foreach (var e in events)
                {
                    var message = new WebhookDeliveryMessage(partner.Id, e.UpdateId, channel.Url!, 1, System.Text.Encoding.UTF8.GetString(e.Body.Span), now);
                    await deliveries.SendMessageAsync(message.ToJson(), cancellationToken);
                }

                return new DeliveryAttempt(partner.Id, updateId, channel.Type, attempt, "queued", null, 0, null, now);
            default:
                outcome = new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "Unknown channel type.");
                break;
        }

        var status = outcome.Result switch
        {
            SendResult.Delivered => DeliveryLog.Delivered,
            SendResult.Transient => DeliveryLog.Retrying,
            _ => DeliveryLog.DeadLettered,
        };
        if (outcome.Result != SendResult.Delivered)
        {
            logger.LogWarning("Delivery of {UpdateId} to partner {PartnerId} over {Channel}: {Status}", updateId, partner.Id, channel.Type, status);
        }

        return new DeliveryAttempt(partner.Id, updateId, channel.Type, attempt, status, null, outcome.Latency.TotalMilliseconds, outcome.Error, now);
    }

    private static string Key(Partner partner, PartnerChannel channel) => $"{partner.Id}|{channel.Type}|{channel.Url}";
}

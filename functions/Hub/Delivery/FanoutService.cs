using System.Text.Json;
using Azure;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Storage;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Delivery;

/// <summary>Thrown when some channels failed for now; the <c>fanout</c> message is retried and skips what was delivered.</summary>
public sealed class FanoutIncompleteException(string updateId, int failures)
    : Exception($"Fan-out of update {updateId} is incomplete: {failures} channel(s) failed for now.");

/// <summary>
/// Fan-out of one update: resolve its recipients, hand each to its channels, record what was delivered on the update,
/// close its outbox row. Safe to repeat: (partner, channel) pairs already delivered are skipped.
/// </summary>
public sealed class FanoutService(
    UpdateStore updates,
    PartnerStore partners,
    OrganisationRegistry organisations,
    ServiceBusChannel serviceBus,
    StorageQueueChannel queues,
    HubStorage storage,
    DeliveryLog log,
    TimeProvider time,
    IOptions<HubOptions> options,
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

        var entity = await updates.FindUpdateEntityAsync(id, cancellationToken);
        if (entity is null)
        {
            logger.LogWarning("Fan-out for update {UpdateId}, which is not stored", id);
            return;
        }

        if (entity.GetString("FanoutState") == "done")
        {
            await CloseOutboxAsync(id, cancellationToken);
            return;
        }

        var update = JsonSerializer.Deserialize<NormalisedUpdate>(entity.GetString("Json"), HubJson.Options)!;
        // Read just now without a sequence: assign it (and the timeline rows) without reading the entity again.
        var sequence = entity.GetInt64("Sequence") ?? await updates.CompleteAsync(update, cancellationToken, queueFanout: false, sequenceUnassigned: true);

        // One read of the collaboration serves the ordering wait, the routing (participants) and the mark (ETag).
        var collaboration = await WaitForTurnAsync(update, sequence, cancellationToken);
        var recipients = Router.Route(update, collaboration?.Collaboration.Participants ?? [], await partners.AllAsync(cancellationToken), organisations);
        var done = JsonSerializer.Deserialize<HashSet<string>>(entity.GetString("Delivered") ?? "[]") ?? [];
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
        await updates.MergeUpdateAsync(id, new Dictionary<string, object?>
        {
            ["Delivered"] = JsonSerializer.Serialize(done),
            ["Recipients"] = JsonSerializer.Serialize(recipients.Select(p => p.Id)),
            ["FanoutState"] = failures == 0 ? "done" : "pending",
            ["FanoutAt"] = now,
        }, cancellationToken);

        if (failures > 0)
        {
            throw new FanoutIncompleteException(id, failures);
        }

        // Both after the update says "done": the mark lets the collaboration's next update go, the outbox row is no longer needed.
        await Task.WhenAll(
            updates.MarkFannedOutAsync(update.Collaboration, sequence, cancellationToken, collaboration),
            CloseOutboxAsync(id, cancellationToken));
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

    /// <summary>
    /// Keeps a collaboration's events in sequence order on every channel: waits until the previous update's fan-out has
    /// finished, but never longer than the ordering patience after the update was received (a stuck or missing
    /// predecessor, a gap after a crash), so order is kept in normal running and nothing is ever blocked for good.
    /// The stored mark is read once; while waiting, a mark written by this process wakes the wait at once (and stands
    /// in for a read), and the stored mark is read again only when the wait times out (a mark from another instance).
    /// Returns the collaboration as last read.
    /// </summary>
    private async Task<CollaborationState?> WaitForTurnAsync(NormalisedUpdate update, long sequence, CancellationToken cancellationToken)
    {
        var state = await updates.GetCollaborationStateAsync(update.Collaboration, cancellationToken);
        var patience = options.Value.Fanout.OrderingPatience;
        var wait = TimeSpan.FromMilliseconds(50);
        while ((state?.FannedOut ?? 0) < sequence - 1 && updates.KnownFannedOut(update.Collaboration) < sequence - 1)
        {
            if (time.GetUtcNow() - update.ReceivedAt > patience)
            {
                logger.LogWarning("Fan-out of {UpdateId} (sequence {Sequence}) goes ahead without its predecessor", update.Id, sequence);
                break;
            }

            await updates.WaitForMarkAsync(update.Collaboration, sequence - 1, wait, cancellationToken);
            if (updates.KnownFannedOut(update.Collaboration) >= sequence - 1)
            {
                break;
            }

            state = await updates.GetCollaborationStateAsync(update.Collaboration, cancellationToken);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 500));
        }

        return state;
    }

    private async Task CloseOutboxAsync(string id, CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        try
        {
            await outbox.DeleteEntityAsync(UpdateStore.OutboxShard(id), id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    private static string Key(Partner partner, PartnerChannel channel) => $"{partner.Id}|{channel.Type}|{channel.Url}";
}

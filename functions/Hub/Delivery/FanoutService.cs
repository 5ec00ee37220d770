using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>Thrown when some targets are still owed (not even a later attempt could be queued); the <c>fanout</c> message is retried and skips what was settled.</summary>
public sealed class FanoutIncompleteException(string updateId, int failures)
    : Exception($"Fan-out of update {updateId} is incomplete: {failures} target(s) are still owed.");

/// <summary>
/// Fan-out of one update: resolve its recipients, hand each to its channels, record what was settled on the update,
/// close its outbox row. Every channel attempt ends in one of three ways: delivered; failed for now, and then handed to
/// the <c>deliveries</c> queue for its next attempt on the retry schedule (<see cref="DeliveryWorker"/>), so one failing
/// partner never holds the others back; or failed for good, a dead letter. Webhooks always go through the
/// <c>deliveries</c> queue, as does a Service Bus or storage-queue send whose chain (<see cref="DeliveryOrder"/>) still
/// owes an earlier update, so nothing overtakes its predecessor. Safe to repeat: settled targets are skipped. Only when
/// not even the hand-over worked is the target still owed: what was settled is saved, and the message is retried.
/// </summary>
public sealed class FanoutService(
    FanoutLedger ledger,
    DeliveryOrder order,
    UpdateRecorder recorder,
    CollaborationStore collaborations,
    PartnerStore partners,
    OrganisationRegistry organisations,
    ServiceBusChannel serviceBus,
    StorageQueueChannel queues,
    WebhookRetrySchedule schedule,
    HubStorage storage,
    DeliveryLog log,
    TimeProvider time,
    ILogger<FanoutService> logger)
{
    public const string Queued = "queued";

    public async Task FanoutAsync(string message, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<FanoutRequested>(message, HubJson.Options);
        if (request?.UpdateId is not { } id)
        {
            logger.LogError("Ignored a fanout message without an update id");
            return;
        }

        // The update's trace goes on: the span is a child of ingest (or of what the message carries), linked to the trigger.
        using var span = HubTracing.Continue(HubTracing.Fanout, ActivityKind.Consumer, request.Trace);
        span?.SetTag(HubTracing.UpdateTag, id);
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
        var outbound = OutboundEvent.From(update, sequence, HubTracing.Onward(span, request.Trace.Or(record.Trace)));
        var owed = recipients.SelectMany(p => p.Channels.Distinct().Select(c => new Owed(p, c, DeliveryTarget.Of(p, c))))
            .Where(x => !record.IsSettled(x.Target))
            .ToArray();

        var settled = new HashSet<string>(record.Settled, StringComparer.Ordinal);
        var attempts = new List<DeliveryAttempt>();
        var stillOwed = 0;
        if (owed.Length > 0)
        {
            var chains = await order.ReadAsync(update.Collaboration, cancellationToken);
            var chained = owed.Where(x => !IsDisabled(x) && (x.Channel.Type == PartnerChannel.Webhook || (chains.TryGetValue((x.Partner.Id, x.Channel.Type), out var c) && c.IsPending))).ToArray();
            var direct = owed.Except(chained).ToArray();
            var toQueue = chained.Select(x => (Owed: x, Attempt: 1, Delay: (TimeSpan?)null)).ToList();

            var results = await Task.WhenAll(direct.Select(async x => (Owed: x, Attempt: await DeliverAsync(x.Partner, x.Channel, [outbound], 1, cancellationToken))));
            foreach (var (x, attempt) in results)
            {
                attempts.Add(attempt);
                switch (attempt.Status)
                {
                    case DeliveryLog.Delivered:
                        settled.Add(x.Target.Token);
                        HubMetrics.Delivered(x.Channel.Type, time.GetUtcNow() - update.ReceivedAt);
                        break;
                    case DeliveryLog.Retrying:
                        toQueue.Add((x, 2, schedule.WaitAfter(1)));
                        break;
                    default:
                        stillOwed += await TryDeadLetterAsync(x, id, 1, attempt.Error ?? "Delivery failed.", null, settled, cancellationToken);
                        break;
                }
            }

            IReadOnlyDictionary<(string PartnerId, string Channel), long?>? previous = null;
            if (toQueue.Count > 0)
            {
                try
                {
                    previous = await order.AssignAsync(update.Collaboration, sequence, toQueue.Select(q => (q.Owed.Partner.Id, q.Owed.Channel.Type)).ToArray(), chains, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Nothing queued yet: these stay owed; what was delivered above is still saved below.
                    stillOwed += toQueue.Count;
                    logger.LogWarning("Could not place {Count} deliveries of {UpdateId} in their chains ({Error}); still owed", toQueue.Count, id, e.GetType().Name);
                }
            }

            if (previous is not null)
            {
                var now = time.GetUtcNow();
                var handed = await Task.WhenAll(toQueue.Select(async q =>
                {
                    var webhook = q.Owed.Channel.Type == PartnerChannel.Webhook;
                    var delivery = new WebhookDeliveryMessage(
                        q.Owed.Partner.Id,
                        id,
                        webhook ? q.Owed.Channel.Url! : string.Empty,
                        q.Attempt,
                        webhook ? Encoding.UTF8.GetString(outbound.Body.Span) : string.Empty,
                        now,
                        webhook ? null : q.Owed.Channel.Type,
                        update.Collaboration,
                        sequence,
                        previous.GetValueOrDefault((q.Owed.Partner.Id, q.Owed.Channel.Type)),
                        ReceivedAt: update.ReceivedAt)
                        .With(outbound.Trace);
                    return (q.Owed, Delivery: delivery, Outcome: await EnqueueAsync(delivery, q.Delay, cancellationToken));
                }));

                foreach (var (x, delivery, outcome) in handed)
                {
                    switch (outcome.Result)
                    {
                        case SendResult.Delivered:
                            settled.Add(x.Target.Token);
                            if (delivery.Attempt == 1)
                            {
                                attempts.Add(new DeliveryAttempt(x.Partner.Id, id, x.Channel.Type, 1, Queued, null, 0, null, now));
                            }

                            break;
                        case SendResult.Permanent:
                            stillOwed += await TryDeadLetterAsync(x, id, delivery.Attempt, outcome.Error ?? "The delivery could not be queued.", delivery, settled, cancellationToken);
                            break;
                        default:
                            stillOwed++;
                            logger.LogWarning("Could not queue the delivery of {UpdateId} to partner {PartnerId} over {Channel}: {Error}", id, x.Partner.Id, x.Channel.Type, outcome.Error);
                            break;
                    }
                }
            }
        }

        log.Append(attempts);
        await ledger.SaveAsync(id, new FanoutProgress(settled, recipients.Count, stillOwed == 0), cancellationToken);
        if (stillOwed > 0)
        {
            throw new FanoutIncompleteException(id, stillOwed);
        }

        // Every channel is settled (delivered, dead-lettered, or handed to deliveries for its later attempts): the lag
        // from receipt, once per update (a fanout message that comes again finds it done and records nothing). A
        // delivery that the deliveries queue carries on records its own lag when it is delivered (hub.delivery.lag).
        HubMetrics.FannedOut(time.GetUtcNow() - update.ReceivedAt);
        span?.SetTag(HubTracing.CountTag, recipients.Count);

        // Both after the update says "done": the mark lets the collaboration's next update go, the outbox row is no longer needed.
        await Task.WhenAll(
            ledger.MarkAsync(update.Collaboration, sequence, cancellationToken),
            ledger.CloseAsync(id, cancellationToken));
        logger.LogInformation("Fanned out update {UpdateId} to {Recipients} partner(s)", id, recipients.Count);
    }

    /// <summary>
    /// A fan-out that failed every attempt (its <c>fanout</c> message was poisoned): every target still owed becomes a
    /// dead letter (visible and replayable), and the update's fan-out is closed so that its collaboration goes on. When
    /// even that is not possible (the update cannot be read), the outbox row stays and the sweep tries again.
    /// </summary>
    public async Task GiveUpAsync(string message, CancellationToken cancellationToken)
    {
        var id = Parse(message);
        FanoutRecord? record;
        try
        {
            record = id is null ? null : await ledger.ReadAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            logger.LogError("Fan-out of {UpdateId} failed every attempt and its update cannot be read ({Error}); its outbox row stays, the sweep counts it", id, e.GetType().Name);
            return;
        }

        if (id is null || record is null || record.Done)
        {
            if (id is not null)
            {
                await ledger.CloseAsync(id, cancellationToken);
            }

            logger.LogWarning("A poisoned fanout message needs nothing more ({UpdateId})", id ?? "unreadable");
            return;
        }

        var update = record.Update;
        var collaboration = await collaborations.GetAsync(update.Collaboration, cancellationToken);
        var recipients = Router.Route(update, collaboration?.Organisations ?? update.Participants, collaboration?.Public ?? true, await partners.AllAsync(cancellationToken), organisations);
        var settled = new HashSet<string>(record.Settled, StringComparer.Ordinal);
        var letters = 0;
        foreach (var x in recipients.SelectMany(p => p.Channels.Distinct().Select(c => new Owed(p, c, DeliveryTarget.Of(p, c)))).Where(x => !record.IsSettled(x.Target)))
        {
            await log.DeadLetterAsync(new DeadLetter(x.Partner.Id, id, x.Channel.Type, 1, "The fan-out failed every attempt (storage or service errors); replay to send it.", time.GetUtcNow()), cancellationToken);
            settled.Add(x.Target.Token);
            letters++;
        }

        await ledger.SaveAsync(id, new FanoutProgress(settled, recipients.Count, true), cancellationToken);
        HubMetrics.FannedOut(time.GetUtcNow() - update.ReceivedAt);
        if (record.Sequence is { } sequence)
        {
            await ledger.MarkAsync(update.Collaboration, sequence, cancellationToken);
        }

        await ledger.CloseAsync(id, cancellationToken);
        logger.LogError("Fan-out of {UpdateId} failed every attempt: {Count} dead letter(s) written", id, letters);
    }

    /// <summary>
    /// Sends events to one partner over one channel (webhooks: queued for the delivery worker) and says how it went; never
    /// throws for a channel failure, only for a cancelled token. A <paramref name="replay"/> is marked as one.
    /// </summary>
    public async Task<DeliveryAttempt> DeliverAsync(Partner partner, PartnerChannel channel, IReadOnlyList<OutboundEvent> events, int attempt, CancellationToken cancellationToken, bool replay = false)
    {
        // A webhook here is only queued: its span is the delivery worker's, when it posts.
        using var span = channel.Type == PartnerChannel.Webhook ? null : DeliveryTelemetry.Start(channel.Type, partner.Id, attempt);
        var result = await DeliverCoreAsync(partner, channel, events, attempt, CarriedTrace.Of(span), cancellationToken, replay);
        span?.SetTag(HubTracing.OutcomeTag, result.Status);
        return result;
    }

    private async Task<DeliveryAttempt> DeliverCoreAsync(Partner partner, PartnerChannel channel, IReadOnlyList<OutboundEvent> events, int attempt, CarriedTrace trace, CancellationToken cancellationToken, bool replay)
    {
        var now = time.GetUtcNow();
        var updateId = events.Count == 1 ? events[0].UpdateId : $"{events.Count} updates";
        var watch = Stopwatch.StartNew();
        ChannelOutcome outcome;
        try
        {
            switch (channel.Type)
            {
                case PartnerChannel.ServiceBus:
                    outcome = await serviceBus.SendAsync(partner.Id, events, cancellationToken, replay, trace);
                    break;
                case PartnerChannel.Queue:
                    outcome = await queues.SendAsync(partner.Id, events, cancellationToken);
                    break;
                case PartnerChannel.Webhook when partner.DisabledWebhooks?.Contains(channel.Url!) == true:
                    outcome = new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "The endpoint was disabled after it answered 410 Gone.");
                    break;
                case PartnerChannel.Webhook:
                    foreach (var e in events)
                    {
                        var message = new WebhookDeliveryMessage(partner.Id, e.UpdateId, channel.Url!, 1, Encoding.UTF8.GetString(e.Body.Span), now, Replay: replay).With(e.Trace);
                        var queued = await EnqueueAsync(message, null, cancellationToken);
                        if (queued.Result != SendResult.Delivered)
                        {
                            return Attempt(partner, channel, updateId, attempt, queued, now);
                        }
                    }

                    return new DeliveryAttempt(partner.Id, updateId, channel.Type, attempt, Queued, null, 0, null, now);
                default:
                    outcome = new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "Unknown channel type.");
                    break;
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = ChannelFailures.Classify(e, watch.Elapsed);
        }

        return Attempt(partner, channel, updateId, attempt, outcome, now);
    }

    /// <summary>Puts a delivery on the <c>deliveries</c> queue (after <paramref name="delay"/>); Delivered means queued.</summary>
    private async Task<ChannelOutcome> EnqueueAsync(WebhookDeliveryMessage message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
            await deliveries.SendMessageAsync(message.ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
            return new ChannelOutcome(SendResult.Delivered, watch.Elapsed);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ChannelFailures.Classify(e, watch.Elapsed);
        }
    }

    /// <summary>Writes a dead letter and settles the target (answers 0); when the write fails, the target stays owed (answers 1).</summary>
    private async Task<int> TryDeadLetterAsync(Owed x, string updateId, int attempts, string reason, WebhookDeliveryMessage? chained, HashSet<string> settled, CancellationToken cancellationToken)
    {
        try
        {
            await log.DeadLetterAsync(new DeadLetter(x.Partner.Id, updateId, x.Channel.Type, attempts, reason, time.GetUtcNow()), cancellationToken);
            if (chained is not null)
            {
                await order.CompleteAsync(chained, cancellationToken);
            }

            settled.Add(x.Target.Token);
            return 0;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not write the dead letter of {UpdateId} for partner {PartnerId} ({Error}); still owed", updateId, x.Partner.Id, e.GetType().Name);
            return 1;
        }
    }

    private DeliveryAttempt Attempt(Partner partner, PartnerChannel channel, string updateId, int attempt, ChannelOutcome outcome, DateTimeOffset now)
    {
        var status = outcome.Result switch
        {
            SendResult.Delivered => DeliveryLog.Delivered,
            SendResult.Transient => DeliveryLog.Retrying,
            _ => DeliveryLog.DeadLettered,
        };
        if (outcome.Result != SendResult.Delivered)
        {
            logger.LogWarning("Delivery of {UpdateId} to partner {PartnerId} over {Channel}: {Status} ({Error})", updateId, partner.Id, channel.Type, status, outcome.Error);
        }

        return new DeliveryAttempt(partner.Id, updateId, channel.Type, attempt, status, null, outcome.Latency.TotalMilliseconds, outcome.Error, now);
    }

    private static bool IsDisabled(Owed x) => x.Channel.Type == PartnerChannel.Webhook && x.Partner.DisabledWebhooks?.Contains(x.Channel.Url!) == true;

    private static string? Parse(string message)
    {
        try
        {
            return JsonSerializer.Deserialize<FanoutRequested>(message, HubJson.Options)?.UpdateId;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Owed(Partner Partner, PartnerChannel Channel, DeliveryTarget Target);
}

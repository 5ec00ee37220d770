using System.Diagnostics;
using Azure.Data.Tables;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>What a replay sent again.</summary>
public sealed record ReplayResult(string PartnerId, DateTimeOffset From, DateTimeOffset To, int Updates, IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>
/// Sends a partner again what was routed to it in a time range (attempts and dead letters in its delivery log), with the
/// same ids and sequence numbers, so consumers can drop duplicates. Dead letters that are sent again leave the dead letters.
/// A replay waits for no predecessor and is marked as one (on Service Bus: a <c>MessageId</c> of its own, so duplicate
/// detection does not drop it, and the application property <c>replay</c>).
/// </summary>
public sealed class ReplayService(HubStorage storage, UpdateStore updates, FanoutService fanout, DeliveryLog log, TimeProvider time, ILogger<ReplayService> logger)
{
    public const int MaxUpdates = 10_000;

    public async Task<ReplayResult> ReplayAsync(Partner partner, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // A trace of its own (linked to the request that asked for it and to each update's original trace): the events
        // carry the replay's context, so what a partner does with them is seen as part of the replay.
        using var span = HubTracing.StartRoot(HubTracing.Replay);
        span?.SetTag(HubTracing.PartnerTag, partner.Id);
        // The range is read from the log: write this process's buffered attempts first.
        await log.FlushAsync(cancellationToken);
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadLetters = new List<(string UpdateId, string Channel)>();

        // Attempts: row keys start with inverted ticks, so the range is a row-key range (newest first).
        var upper = ReverseChronological.Key(from);
        var lower = ReverseChronological.Key(to);
        await foreach (var row in table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == partner.Id && e.RowKey.CompareTo(lower) > 0 && e.RowKey.CompareTo(upper + "~") < 0,
                           select: ["UpdateId"],
                           cancellationToken: cancellationToken))
        {
            if (row.GetString("UpdateId") is { Length: 26 } id && seen.Add(id))
            {
                ids.Add(id);
            }
        }

        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partner.Id && e.RowKey.CompareTo("dead-") >= 0 && e.RowKey.CompareTo("dead.") < 0, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("At") is { } at && at >= from && at < to)
            {
                deadLetters.Add((row.GetString("UpdateId"), row.GetString("Channel")));
                if (seen.Add(row.GetString("UpdateId")))
                {
                    ids.Add(row.GetString("UpdateId"));
                }
            }
        }

        var attempts = await SendAgainAsync(span, partner, ids, deadLetters, cancellationToken);
        return new ReplayResult(partner.Id, from, to, attempts.Updates, attempts.Attempts);
    }

    /// <summary>
    /// Sends one update again to <paramref name="partner"/>, by the same rules as a range: only an update in the partner's own
    /// delivery log (an attempt or a dead letter) can be sent again, so an id of another's update replays nothing (null).
    /// </summary>
    public async Task<ReplayResult?> ReplayOneAsync(Partner partner, string updateId, CancellationToken cancellationToken)
    {
        if (updateId is not { Length: 26 } || !updateId.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        await log.FlushAsync(cancellationToken);
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        var deadLetters = new List<(string UpdateId, string Channel)>();
        var known = false;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partner.Id && e.RowKey.CompareTo("dead-" + updateId + "-") >= 0 && e.RowKey.CompareTo("dead-" + updateId + ".") < 0, cancellationToken: cancellationToken))
        {
            deadLetters.Add((updateId, row.GetString("Channel")));
            known = true;
        }

        if (!known)
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partner.Id} and RowKey lt {"a"} and UpdateId eq {updateId}"), maxPerPage: 1, select: ["UpdateId"], cancellationToken: cancellationToken))
            {
                known = true;
                break;
            }
        }

        if (!known)
        {
            return null;
        }

        using var span = HubTracing.StartRoot(HubTracing.Replay);
        span?.SetTag(HubTracing.PartnerTag, partner.Id);
        var now = time.GetUtcNow();
        var sent = await SendAgainAsync(span, partner, [updateId], deadLetters, cancellationToken);
        return new ReplayResult(partner.Id, now, now, sent.Updates, sent.Attempts);
    }

    private async Task<(int Updates, IReadOnlyList<DeliveryAttempt> Attempts)> SendAgainAsync(Activity? span, Partner partner, IReadOnlyList<string> ids, IReadOnlyList<(string UpdateId, string Channel)> deadLetters, CancellationToken cancellationToken)
    {
        var events = new List<OutboundEvent>();
        foreach (var id in ids.Take(MaxUpdates))
        {
            if (await updates.GetStoredAsync(id, cancellationToken) is { } stored)
            {
                HubTracing.Link(span, stored.Trace);
                events.Add(OutboundEvent.From(stored.Update, stored.Sequence, CarriedTrace.Of(span)));
            }
        }

        // Oldest first within each collaboration, as they were first sent.
        events = events.OrderBy(e => e.Collaboration, StringComparer.Ordinal).ThenBy(e => e.Sequence ?? 0).ToList();
        var attempts = new List<DeliveryAttempt>();
        if (events.Count > 0)
        {
            foreach (var channel in partner.Channels.Distinct())
            {
                attempts.Add(await fanout.DeliverAsync(partner, channel, events, 0, cancellationToken, replay: true));
            }
        }

        await log.RecordAsync(attempts.Where(a => a.Status != FanoutService.Queued).ToArray(), cancellationToken);
        foreach (var (updateId, channel) in deadLetters)
        {
            if (attempts.Any(a => a.Channel == channel && a.Status is DeliveryLog.Delivered or FanoutService.Queued))
            {
                await log.RemoveDeadLetterAsync(partner.Id, updateId, channel, cancellationToken);
            }
        }

        span?.SetTag(HubTracing.CountTag, events.Count);
        logger.LogInformation("Replayed {Count} update(s) to partner {PartnerId}", events.Count, partner.Id);
        return (events.Count, attempts);
    }
}

using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>What the hub's tables hold for the run's updates, read directly (no fault injection on these reads).</summary>
internal sealed record StoredFigures(
    int Accepted,
    int Stored,
    IReadOnlyList<string> NotStored,
    int Unexpected,
    int TimelineMissing,
    int TimelineExtra,
    int ByDayMissing,
    int ByDayExtra,
    int WithoutSequence,
    int SequenceRepeats,
    int SequenceGaps,
    int CountMismatches,
    int FanoutNotDone,
    int OutboxLeft,
    int DeadLetters)
{
    /// <summary>Every accepted update stored, once, with one timeline and one day row and a sequence number of its own.</summary>
    public bool StoredOnce => NotStored.Count == 0 && Unexpected == 0 && TimelineMissing == 0 && TimelineExtra == 0 && ByDayMissing == 0 && ByDayExtra == 0
        && WithoutSequence == 0 && SequenceRepeats == 0;

    /// <summary><see cref="StoredOnce"/>, and each collaboration's <c>updateCount</c> in step with what it holds.</summary>
    public bool ExactlyOnce => StoredOnce && CountMismatches == 0;
}

/// <summary>The hub's own state after a run, stage by stage: stored (updates, timeline, day index, sequences, counts), fanned out (outbox, state), dead letters.</summary>
internal static class SoakAudit
{
    private const string Prefix = "hub";

    public static async Task<StoredFigures> ReadAsync(string storage, IReadOnlyList<PostOutcome> posts, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var tables = new TableServiceClient(storage);
        var accepted = posts.Where(p => p.Accepted).Select(p => p.Id!).ToHashSet(StringComparer.Ordinal);

        // Updates: every row the source has, with its collaboration and sequence.
        var updates = new Dictionary<string, (string Collaboration, long? Sequence, bool Done)>(StringComparer.Ordinal);
        await foreach (var row in tables.GetTableClient(Prefix + "Updates").QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"SourceId eq {SoakWorld.SourceId}"), select: ["PartitionKey", "Collaboration", "Sequence", "FanoutState"], cancellationToken: cancellationToken))
        {
            updates[row.PartitionKey] = (row.GetString("Collaboration"), row.GetInt64("Sequence"), row.GetString("FanoutState") == "done");
        }

        var notStored = accepted.Where(id => !updates.ContainsKey(id)).Order(StringComparer.Ordinal).ToArray();
        var unexpected = updates.Keys.Count(id => !accepted.Contains(id));
        var collaborations = updates.Values.Select(u => u.Collaboration).Distinct(StringComparer.Ordinal).ToArray();

        // Timeline: one row per update in its collaboration's partition.
        var timeline = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var collaboration in collaborations)
        {
            await foreach (var row in tables.GetTableClient(Prefix + "Timeline").QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {collaboration}"), select: ["UpdateId"], cancellationToken: cancellationToken))
            {
                timeline[row.GetString("UpdateId")] = timeline.GetValueOrDefault(row.GetString("UpdateId")) + 1;
            }
        }

        // Day index: one row per update in the UTC day it was received.
        var byDay = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var day = from.UtcDateTime.Date; day <= to.UtcDateTime.Date; day = day.AddDays(1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            await foreach (var row in tables.GetTableClient(Prefix + "UpdatesByDay").QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (updates.ContainsKey(row.RowKey))
                {
                    byDay[row.RowKey] = byDay.GetValueOrDefault(row.RowKey) + 1;
                }
            }
        }

        // Sequences: unique within a collaboration; gaps are allowed (a crash between two writes) and counted.
        var (repeats, gaps, mismatches) = (0, 0, 0);
        var collaborationTable = tables.GetTableClient(Prefix + "Collaborations");
        foreach (var group in updates.GroupBy(u => u.Value.Collaboration))
        {
            var sequences = group.Where(u => u.Value.Sequence is not null).Select(u => u.Value.Sequence!.Value).ToArray();
            repeats += sequences.Length - sequences.Distinct().Count();
            var row = (await collaborationTable.GetEntityIfExistsAsync<TableEntity>(group.Key, "c", cancellationToken: cancellationToken)).Value;
            var last = row?.GetInt64("LastSequence") ?? 0;
            gaps += (int)Math.Max(0, last - sequences.Distinct().Count());
            mismatches += row?.GetInt32("UpdateCount") == group.Count() ? 0 : 1;
        }

        var outbox = await CountAsync(tables.GetTableClient(Prefix + "Outbox"), cancellationToken);

        var dead = 0;
        foreach (var partner in SoakWorld.Partners)
        {
            await foreach (var _ in tables.GetTableClient(Prefix + "Deliveries").QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {partner.Id} and RowKey ge 'dead-' and RowKey lt 'dead.'"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                dead++;
            }
        }

        return new StoredFigures(
            accepted.Count,
            updates.Count(u => accepted.Contains(u.Key)),
            notStored,
            unexpected,
            updates.Keys.Count(id => !timeline.ContainsKey(id)),
            timeline.Values.Sum(c => Math.Max(0, c - 1)),
            updates.Keys.Count(id => !byDay.ContainsKey(id)),
            byDay.Values.Sum(c => Math.Max(0, c - 1)),
            updates.Values.Count(u => u.Sequence is null),
            repeats,
            gaps,
            mismatches,
            updates.Values.Count(u => !u.Done),
            outbox,
            dead);
    }

    /// <summary>The sequence number of each stored update of the source, and its collaboration: for the order of arrivals.</summary>
    public static async Task<IReadOnlyDictionary<string, (string Collaboration, long Sequence)>> SequencesAsync(string storage, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        var table = new TableServiceClient(storage).GetTableClient(Prefix + "Updates");
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"SourceId eq {SoakWorld.SourceId}"), select: ["PartitionKey", "Collaboration", "Sequence"], cancellationToken: cancellationToken))
        {
            result[row.PartitionKey] = (row.GetString("Collaboration"), row.GetInt64("Sequence") ?? 0);
        }

        return result;
    }

    /// <summary>Whether the hub has nothing left to do: no outbox row, nothing on its own queues (poison ones too), no delivery held for a predecessor.</summary>
    public static async Task<(bool Quiet, string State)> QuietAsync(string storage, CancellationToken cancellationToken)
    {
        var tables = new TableServiceClient(storage);
        var queues = new QueueServiceClient(storage);
        var outbox = await CountAsync(tables.GetTableClient(Prefix + "Outbox"), cancellationToken);
        var held = await CountAsync(tables.GetTableClient(Prefix + "DeliveryHeld"), cancellationToken);
        var queued = new List<string>();
        var total = 0;
        foreach (var name in new[] { "fanout", "deliveries", "fanout-poison", "deliveries-poison" })
        {
            var queue = queues.GetQueueClient(name);
            var count = (await queue.ExistsAsync(cancellationToken)).Value ? (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount : 0;
            total += count;
            queued.Add($"{name} {count}");
        }

        return (outbox == 0 && held == 0 && total == 0, $"outbox {outbox}, held {held}, {string.Join(", ", queued)}");
    }

    private static async Task<int> CountAsync(TableClient table, CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"], maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }

        return count;
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Updates;

/// <summary>The answer of <see cref="UpdateStore.InsertAsync"/>: the update as stored, and whether it was there already.</summary>
public sealed record StoreResult(NormalisedUpdate Update, bool Duplicate);

/// <summary>
/// Updates in Table Storage, and the two indexes of them:
/// <list type="bullet">
/// <item><c>Updates</c>: PartitionKey = update id (RowKey "u"): point reads, and every update its own partition, so no
/// partition is hot however busy Sweden gets. The id is derived from (source, idempotency key), so the insert itself is
/// the idempotency check: of 20 identical posts one insert wins and the others read the winner. This store owns the
/// row's <c>Json</c>, index columns and <c>Sequence</c>; the fan-out ledger owns its <c>Fanout*</c> columns.</item>
/// <item><c>Timeline</c>: PartitionKey = collaboration id, RowKey = inverted occurredAt ticks + id: a collaboration's
/// updates read newest first in one partition range query.</item>
/// <item><c>UpdatesByDay</c>: PartitionKey = UTC day of receipt, RowKey = update id: the updates of a day.</item>
/// <item><c>UpdatesByMonth</c> (<see cref="UpdateMonthIndex"/>): the updates by the Stockholm month they occurred in, and
/// each month's digest cutoff: what the digest reads.</item>
/// </list>
/// </summary>
public sealed class UpdateStore(HubStorage storage, ILogger<UpdateStore> logger, TimeProvider? time = null)
{
    /// <summary>The index by occurred month, and the months' cutoffs.</summary>
    public UpdateMonthIndex Months { get; } = new(storage, time ?? TimeProvider.System, logger);

    /// <summary>The row key of an update in <c>Updates</c> (its partition is its id).</summary>
    public const string UpdateRow = "u";

    /// <summary>
    /// Inserts an update: the commit point (a 2xx may be answered after this returns) and the idempotency check. A
    /// conflict means the same source sent the same key before: the first update is returned as a duplicate. The
    /// update's trace is kept on its row (<see cref="StoredUpdate.Trace"/>), for replays to link to.
    /// </summary>
    public async Task<StoreResult> InsertAsync(NormalisedUpdate update, CancellationToken cancellationToken, CarriedTrace trace = default)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        try
        {
            var entity = ToEntity(update);
            if (trace.Parent is { } parent)
            {
                entity[StoredUpdate.TraceParentColumn] = parent;
                entity[StoredUpdate.TraceStateColumn] = trace.State;
            }

            await updates.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var existing = await GetAsync(update.Id, cancellationToken)
                ?? throw new InvalidOperationException("An update insert conflicted but the update cannot be read.");
            return new StoreResult(existing, Duplicate: true);
        }

        logger.LogInformation("Stored update {UpdateId} from {SourceId} in {Collaboration}", update.Id, update.SourceId, update.Collaboration);
        return new StoreResult(update, Duplicate: false);
    }

    public async Task<NormalisedUpdate?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await GetStoredAsync(id, cancellationToken))?.Update;

    /// <summary>An update with its place in its collaboration (null before the sequence is assigned).</summary>
    public async Task<StoredUpdate?> GetStoredAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsUpdateId(id))
        {
            return null;
        }

        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var entity = await updates.FindAsync<TableEntity>(id, UpdateRow, cancellationToken);
        return entity is null ? null : StoredUpdate.Read(entity);
    }

    /// <summary>Keeps the update's sequence number within its collaboration on the update itself.</summary>
    public async Task SetSequenceAsync(string id, long sequence, CancellationToken cancellationToken)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        await updates.UpdateEntityAsync(new TableEntity(id, UpdateRow) { [StoredUpdate.SequenceColumn] = sequence }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The update's row in its collaboration's timeline (idempotent).</summary>
    public async Task WriteTimelineAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken)
    {
        var timeline = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        await timeline.UpsertEntityAsync(
            new TableEntity(update.Collaboration, TimelineKey(update)) { ["UpdateId"] = update.Id, [StoredUpdate.JsonColumn] = json },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>The update's row in the day it was received (idempotent).</summary>
    public async Task WriteByDayAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken)
    {
        var byDay = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        await byDay.UpsertEntityAsync(
            new TableEntity(DayPartition(update.ReceivedAt), update.Id) { [StoredUpdate.JsonColumn] = json, ["ReceivedAt"] = update.ReceivedAt },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>The update's row in the month it occurred in (idempotent: the first write stands); see <see cref="UpdateMonthIndex"/>.</summary>
    public Task WriteByMonthAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken) =>
        Months.WriteAsync(update, json, cancellationToken);

    /// <summary>
    /// The <c>UpdatesByDay</c> partition of a receive time: its UTC day. A month is read partition by partition
    /// (the digest); one day's writes are far below what a partition serves.
    /// </summary>
    public static string DayPartition(DateTimeOffset receivedAt) => receivedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Updates received in [from, to), read one day partition at a time and streamed.</summary>
    public async IAsyncEnumerable<NormalisedUpdate> ReceivedBetweenAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                var update = StoredUpdate.ReadUpdate(entity);
                if (update.ReceivedAt >= from && update.ReceivedAt < to)
                {
                    yield return update;
                }
            }
        }
    }

    /// <summary>
    /// A page of a collaboration's updates, newest first: after the row key <paramref name="after"/> (the previous page's
    /// last), so a page never repeats or skips an update however many arrive meanwhile. The next page starts after
    /// the returned key (null at the end).
    /// </summary>
    public async Task<(IReadOnlyList<NormalisedUpdate> Items, string? Last)> ListTimelineAsync(string collaboration, int limit, string? after, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        var result = new List<NormalisedUpdate>(limit);
        string? last = null;
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {collaboration}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {collaboration} and RowKey gt {after}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, limit + 1), cancellationToken: cancellationToken))
        {
            if (result.Count == limit)
            {
                return (result, last);
            }

            result.Add(StoredUpdate.ReadUpdate(entity));
            last = entity.RowKey;
        }

        return (result, null);
    }

    /// <summary>The first update of a collaboration: the one with sequence 1 (or, when none has it, the first received).</summary>
    public async Task<NormalisedUpdate?> FirstOfCollaborationAsync(string collaboration, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        var all = new List<NormalisedUpdate>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == collaboration, cancellationToken: cancellationToken))
        {
            all.Add(StoredUpdate.ReadUpdate(entity));
        }

        foreach (var candidate in all.OrderBy(u => u.ReceivedAt).Take(5))
        {
            if ((await GetStoredAsync(candidate.Id, cancellationToken))?.Sequence == 1)
            {
                return candidate;
            }
        }

        return all.MinBy(u => u.ReceivedAt);
    }

    /// <summary>Deletes an update the hub will not keep (its sender turned out not to be a member), with its index rows.</summary>
    public async Task DeleteAsync(NormalisedUpdate update, CancellationToken cancellationToken)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var timeline = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        var byDay = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        await Task.WhenAll(
            DeleteIfThereAsync(timeline, update.Collaboration, TimelineKey(update), cancellationToken),
            DeleteIfThereAsync(byDay, DayPartition(update.ReceivedAt), update.Id, cancellationToken),
            Months.DeleteAsync(update, cancellationToken));
        await DeleteIfThereAsync(updates, update.Id, UpdateRow, cancellationToken);
        logger.LogInformation("Deleted update {UpdateId}: not kept", update.Id);
    }

    private static async Task DeleteIfThereAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
        }
    }

    public static bool IsUpdateId(string id) => id.Length == 26 && id.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7'));

    private static string TimelineKey(NormalisedUpdate update) => ReverseChronological.Key(update.OccurredAt) + "-" + update.Id;

    private static TableEntity ToEntity(NormalisedUpdate update) => new(update.Id, UpdateRow)
    {
        [StoredUpdate.JsonColumn] = JsonSerializer.Serialize(update, HubJson.Options),
        ["SourceId"] = update.SourceId,
        ["Organisation"] = update.Organisation,
        ["Collaboration"] = update.Collaboration,
        ["Kind"] = update.Kind,
        ["OccurredAt"] = update.OccurredAt,
        ["ReceivedAt"] = update.ReceivedAt,
    };
}

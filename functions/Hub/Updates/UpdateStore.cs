using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Updates;

/// <summary>The answer of <see cref="UpdateStore.StoreAsync"/>: the update as stored, and whether it was there already.</summary>
public sealed record StoreResult(NormalisedUpdate Update, bool Duplicate);

/// <summary>A collaboration as read for its fan-out: with the highest sequence fanned out and the entity's ETag.</summary>
public sealed record CollaborationState(Collaboration Collaboration, long FannedOut, ETag ETag);

/// <summary>A fan-out mark this process wrote, and a signal completed when a higher one replaces it.</summary>
internal sealed class FannedOutMark(long sequence)
{
    public long Sequence { get; } = sequence;

    public TaskCompletionSource Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What the <c>fanout</c> queue carries: the id of an update whose fan-out is owed.</summary>
public sealed record FanoutRequested(string UpdateId);

/// <summary>
/// Updates, the collaboration timeline and collaborations in Table Storage.
/// <list type="bullet">
/// <item><c>Updates</c>: PartitionKey = update id (RowKey "u"): point reads, and every update its own partition, so no
/// partition is hot however busy Sweden gets. The id is derived from (source, idempotency key), so the insert itself is
/// the idempotency check: of 20 identical posts one insert wins and the others read the winner.</item>
/// <item><c>Timeline</c>: PartitionKey = collaboration id, RowKey = inverted occurredAt ticks + id: a collaboration's
/// updates read newest first in one partition range query; one collaboration never sees more writes than one
/// partition serves (about 2,000/s).</item>
/// <item><c>Collaborations</c>: PartitionKey = collaboration id; merged with optimistic concurrency (ETag).</item>
/// <item><c>Outbox</c>: PartitionKey = one of 16 shards of the id, RowKey = update id. Written BEFORE the update, deleted
/// when its fan-out is done, so every stored update whose fan-out is not finished has an outbox row for the sweep.</item>
/// </list>
/// </summary>
public sealed class UpdateStore(HubStorage storage, TimeProvider time, IOptions<HubOptions> options, ILogger<UpdateStore> logger)
{
    public const int OutboxShards = 16;
    private const string UpdateRow = "u";
    private const string CollaborationRow = "c";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FannedOutMark> _fannedOut = new(StringComparer.Ordinal);

    public static string OutboxShard(string updateId) =>
        (updateId[0] % OutboxShards).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>
    /// Stores an update durably (a 2xx may be answered after this returns), then records it on its collaboration and
    /// queues its fan-out. A crash after the insert leaves an outbox row that the sweep completes.
    /// </summary>
    public async Task<StoreResult> StoreAsync(NormalisedUpdate update, CancellationToken cancellationToken)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);

        // 1. The outbox row first: if we die after the insert below, the sweep still finds the update.
        var due = time.GetUtcNow() + options.Value.Ingest.FanoutGrace;
        await outbox.UpsertEntityAsync(new TableEntity(OutboxShard(update.Id), update.Id) { ["DueAt"] = due }, TableUpdateMode.Replace, cancellationToken);

        // 2. The insert is the commit point and the idempotency check.
        try
        {
            await updates.AddEntityAsync(ToEntity(update), cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var existing = await GetAsync(update.Id, cancellationToken)
                ?? throw new InvalidOperationException("An update insert conflicted but the update cannot be read.");
            return new StoreResult(existing, Duplicate: true);
        }

        logger.LogInformation("Stored update {UpdateId} from {SourceId} in {Collaboration}", update.Id, update.SourceId, update.Collaboration);

        // 3. Everything after the commit point is idempotent and repeated by the sweep when it did not finish.
        //    The insert just made the entity, so it has no sequence yet: no need to read it back.
        await CompleteAsync(update, cancellationToken, queueFanout: true, sequenceUnassigned: true);
        return new StoreResult(update, Duplicate: false);
    }

    /// <summary>
    /// Records a stored update on its timeline, by day and in its collaboration (its sequence number), then queues its
    /// fan-out. Safe to repeat. The three records are independent and written at once; the fan-out is queued only after
    /// all three. <paramref name="sequenceUnassigned"/>: the caller knows the update entity has no sequence yet (it has
    /// just inserted it, or just read it), so it is not read again. Returns the update's sequence number.
    /// </summary>
    public async Task<long> CompleteAsync(NormalisedUpdate update, CancellationToken cancellationToken, bool queueFanout = true, bool sequenceUnassigned = false)
    {
        var json = JsonSerializer.Serialize(update, HubJson.Options);
        var timeline = WriteTimelineAsync(update, json, cancellationToken);
        var byDay = WriteByDayAsync(update, json, cancellationToken);
        var sequence = AssignSequenceAsync(update, sequenceUnassigned, cancellationToken);
        await Task.WhenAll(timeline, byDay, sequence);
        if (queueFanout)
        {
            var fanout = await storage.QueueAsync(HubStorage.FanoutQueue, cancellationToken);
            await fanout.SendMessageAsync(JsonSerializer.Serialize(new FanoutRequested(update.Id), HubJson.Options), cancellationToken);
        }

        return await sequence;
    }

    private async Task WriteTimelineAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken)
    {
        var timeline = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        await timeline.UpsertEntityAsync(
            new TableEntity(update.Collaboration, TimelineKey(update)) { ["UpdateId"] = update.Id, ["Json"] = json },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    private async Task WriteByDayAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken)
    {
        var byDay = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        await byDay.UpsertEntityAsync(
            new TableEntity(DayPartition(update.ReceivedAt), update.Id) { ["Json"] = json, ["ReceivedAt"] = update.ReceivedAt },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>
    /// The <c>UpdatesByDay</c> partition of a receive time: its UTC day. A month is read partition by partition
    /// (the digest); one day's writes are far below what a partition serves.
    /// </summary>
    public static string DayPartition(DateTimeOffset receivedAt) => receivedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Updates received in [from, to), read one day partition at a time and streamed.</summary>
    public async IAsyncEnumerable<NormalisedUpdate> ReceivedBetweenAsync(DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                var update = JsonSerializer.Deserialize<NormalisedUpdate>(entity.GetString("Json"), HubJson.Options)!;
                if (update.ReceivedAt >= from && update.ReceivedAt < to)
                {
                    yield return update;
                }
            }
        }
    }

    public async Task<NormalisedUpdate?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await FindUpdateEntityAsync(id, cancellationToken);
        return entity is null ? null : JsonSerializer.Deserialize<NormalisedUpdate>(entity.GetString("Json"), HubJson.Options);
    }

    public async Task<TableEntity?> FindUpdateEntityAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsUpdateId(id))
        {
            return null;
        }

        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        return await updates.FindAsync<TableEntity>(id, UpdateRow, cancellationToken);
    }

    /// <summary>Merges fan-out bookkeeping onto the update entity.</summary>
    public async Task MergeUpdateAsync(string id, IDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var entity = new TableEntity(id, UpdateRow);
        foreach (var (key, value) in values)
        {
            entity[key] = value;
        }

        await updates.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<Collaboration?> GetCollaborationAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsSlug(id))
        {
            return null;
        }

        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var entity = await table.FindAsync<TableEntity>(id, CollaborationRow, cancellationToken);
        return entity is null ? null : ToCollaboration(entity);
    }

    /// <summary>Collaborations, newest activity first. Reads the table once (a few thousand rows at Sweden's scale).</summary>
    public async Task<(IReadOnlyList<Collaboration> Items, int Total)> ListCollaborationsAsync(string? area, string? participant, int limit, int offset, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var filter = area is null ? null : TableClient.CreateQueryFilter($"Area eq {area}");
        var all = new List<Collaboration>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var collaboration = ToCollaboration(entity);
            if (participant is null || collaboration.Participants.Contains(participant))
            {
                all.Add(collaboration);
            }
        }

        var page = all.OrderByDescending(c => c.LastActivity).ThenBy(c => c.Id, StringComparer.Ordinal).Skip(offset).Take(limit).ToArray();
        return (page, all.Count);
    }

    /// <summary>Every collaboration, streamed (for routing and the digest).</summary>
    public async IAsyncEnumerable<Collaboration> AllCollaborationsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            yield return ToCollaboration(entity);
        }
    }

    /// <summary>A collaboration's updates, newest first.</summary>
    public async Task<IReadOnlyList<NormalisedUpdate>> ListTimelineAsync(string collaboration, int limit, int offset, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.TimelineTable, cancellationToken);
        var result = new List<NormalisedUpdate>(limit);
        var skipped = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == collaboration, maxPerPage: Math.Min(1000, offset + limit), cancellationToken: cancellationToken))
        {
            if (skipped++ < offset)
            {
                continue;
            }

            result.Add(JsonSerializer.Deserialize<NormalisedUpdate>(entity.GetString("Json"), HubJson.Options)!);
            if (result.Count == limit)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>The highest sequence number of the collaboration whose fan-out has finished.</summary>
    public async Task<long> FannedOutSequenceAsync(string collaboration, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(collaboration, CollaborationRow, select: ["FannedOut"], cancellationToken: cancellationToken);
        return entity.HasValue ? entity.Value!.GetInt64("FannedOut") ?? 0 : 0;
    }

    /// <summary>A collaboration as stored, with its fan-out mark and ETag (the fan-out reads it once and passes it on).</summary>
    public async Task<CollaborationState?> GetCollaborationStateAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsSlug(id))
        {
            return null;
        }

        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var entity = await table.FindAsync<TableEntity>(id, CollaborationRow, cancellationToken);
        return entity is null ? null : new CollaborationState(ToCollaboration(entity), entity.GetInt64("FannedOut") ?? 0, entity.ETag);
    }

    /// <summary>
    /// The fan-out mark this process itself wrote last for a collaboration: a lower bound of the stored mark (it is set
    /// only after the write succeeded, and the stored mark only moves forward), so it may stand in for a read.
    /// </summary>
    public long KnownFannedOut(string collaboration) => _fannedOut.TryGetValue(collaboration, out var mark) ? mark.Sequence : 0;

    /// <summary>Waits until this process marks the collaboration's fan-out at least <paramref name="sequence"/>, or the wait passes.</summary>
    public async Task WaitForMarkAsync(string collaboration, long sequence, TimeSpan wait, CancellationToken cancellationToken)
    {
        var mark = _fannedOut.GetOrAdd(collaboration, _ => new FannedOutMark(0));
        if (mark.Sequence >= sequence)
        {
            return;
        }

        try
        {
            await mark.Changed.Task.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>
    /// Records that the fan-out of <paramref name="sequence"/> finished (the mark only moves forward). <paramref name="known"/>:
    /// the collaboration as the caller read it; its ETag is tried first, and only when it changed is the entity read again.
    /// </summary>
    public async Task MarkFannedOutAsync(string collaboration, long sequence, CancellationToken cancellationToken, CollaborationState? known = null)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var (stored, etag) = known is { } given ? (given.FannedOut, given.ETag) : await ReadMarkAsync(table, collaboration, cancellationToken);
            known = null;
            if (etag is null || stored >= sequence)
            {
                RememberMark(collaboration, stored);
                return;
            }

            try
            {
                await table.UpdateEntityAsync(new TableEntity(collaboration, CollaborationRow) { ["FannedOut"] = sequence }, etag.Value, TableUpdateMode.Merge, cancellationToken);
                RememberMark(collaboration, sequence);
                return;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed())
            {
            }
        }
    }

    private static async Task<(long FannedOut, ETag? ETag)> ReadMarkAsync(TableClient table, string collaboration, CancellationToken cancellationToken)
    {
        var existing = await table.FindAsync<TableEntity>(collaboration, CollaborationRow, cancellationToken);
        return existing is null ? (0, null) : (existing.GetInt64("FannedOut") ?? 0, existing.ETag);
    }

    private void RememberMark(string collaboration, long sequence)
    {
        while (true)
        {
            var current = _fannedOut.GetOrAdd(collaboration, _ => new FannedOutMark(0));
            if (current.Sequence >= sequence)
            {
                return;
            }

            if (_fannedOut.TryUpdate(collaboration, new FannedOutMark(sequence), current))
            {
                current.Changed.TrySetResult();
                return;
            }
        }
    }

    public static bool IsUpdateId(string id) => id.Length == 26 && id.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7'));

    private static string TimelineKey(NormalisedUpdate update) => ReverseChronological.Key(update.OccurredAt) + "-" + update.Id;

    /// <summary>
    /// Gives the update its place in its collaboration: the next sequence number, and the collaboration's current
    /// title, status and participants. Done once per update (the sequence is kept on the update); concurrent updates
    /// to one collaboration retry on the ETag. A crash between the two writes may leave a gap in the sequence, never a repeat.
    /// </summary>
    private async Task<long> AssignSequenceAsync(NormalisedUpdate update, bool sequenceUnassigned, CancellationToken cancellationToken)
    {
        if (!sequenceUnassigned && (await FindUpdateEntityAsync(update.Id, cancellationToken))?.GetInt64("Sequence") is { } assigned)
        {
            return assigned;
        }

        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.FindAsync<TableEntity>(update.Collaboration, CollaborationRow, cancellationToken);
            var entity = existing ?? new TableEntity(update.Collaboration, CollaborationRow)
            {
                ["Title"] = update.Title,
                ["FirstActivity"] = update.OccurredAt,
                ["LastActivity"] = update.OccurredAt,
                ["Participants"] = "[]",
                ["UpdateCount"] = 0,
                ["LastSequence"] = 0L,
            };

            var latest = existing is null || update.OccurredAt >= entity.GetDateTimeOffset("LastActivity");
            if (latest)
            {
                entity["Title"] = update.Title;
                entity["LastActivity"] = update.OccurredAt;
                if (update.Status is not null)
                {
                    entity["Status"] = update.Status;
                }

                if (update.Area is not null)
                {
                    entity["Area"] = update.Area;
                }
            }
            else
            {
                entity["Status"] ??= update.Status;
                entity["Area"] ??= update.Area;
            }

            if (update.OccurredAt < entity.GetDateTimeOffset("FirstActivity"))
            {
                entity["FirstActivity"] = update.OccurredAt;
            }

            var participants = JsonSerializer.Deserialize<List<string>>(entity.GetString("Participants")) ?? [];
            entity["Participants"] = JsonSerializer.Serialize(participants.Union(update.Participants).Order(StringComparer.Ordinal));
            entity["UpdateCount"] = (entity.GetInt32("UpdateCount") ?? 0) + 1;
            var sequence = (entity.GetInt64("LastSequence") ?? 0) + 1;
            entity["LastSequence"] = sequence;

            try
            {
                if (existing is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                await MergeUpdateAsync(update.Id, new Dictionary<string, object?> { ["Sequence"] = sequence }, cancellationToken);
                return sequence;
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + attempt * 10)), time, cancellationToken);
            }
        }
    }

    private static TableEntity ToEntity(NormalisedUpdate update) => new(update.Id, UpdateRow)
    {
        ["Json"] = JsonSerializer.Serialize(update, HubJson.Options),
        ["SourceId"] = update.SourceId,
        ["Organisation"] = update.Organisation,
        ["Collaboration"] = update.Collaboration,
        ["Kind"] = update.Kind,
        ["OccurredAt"] = update.OccurredAt,
        ["ReceivedAt"] = update.ReceivedAt,
        ["FanoutState"] = "pending",
    };

    private static Collaboration ToCollaboration(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Title") ?? string.Empty,
        e.GetString("Area"),
        e.GetString("Status"),
        JsonSerializer.Deserialize<List<string>>(e.GetString("Participants") ?? "[]") ?? [],
        e.GetDateTimeOffset("FirstActivity") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("LastActivity") ?? DateTimeOffset.MinValue,
        e.GetInt32("UpdateCount") ?? 0);
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The one owner of what fan-out still owes:
/// <list type="bullet">
/// <item>the <b>outbox</b> (<c>Outbox</c>, PartitionKey = one of 16 shards of the id, RowKey = update id), written
/// BEFORE the update is inserted and deleted when its fan-out is done, so every stored update whose fan-out is not
/// finished has a row for the sweep;</item>
/// <item>the update's <b>fan-out state</b>: the <c>Fanout*</c> columns of its <c>Updates</c> row (done or pending, the
/// targets settled, as 12-character tokens in columns of at most 30,000 characters each, so thousands of partners fit
/// in the one row), read together with the update in one point read;</item>
/// <item>the <b>ordering marks</b> (<c>FanoutMarks</c>, PartitionKey = collaboration id): the highest sequence of the
/// collaboration whose fan-out finished, so its next update may go; kept apart from the collaboration row, which every
/// ingest of that collaboration changes, so a mark write does not fight the sequence assignment for its ETag;</item>
/// <item>the <c>fanout</c> queue messages that ask for a fan-out.</item>
/// </list>
/// The marks this process knows are a cache of the stored ones, bounded (<see cref="MaxRememberedMarks"/>) and expiring
/// when unused (<see cref="MarkExpiry"/>), so a process that sees a million collaborations does not keep a million marks.
/// </summary>
public sealed class FanoutLedger(HubStorage storage, TimeProvider time, IOptions<FanoutOptions> options, ILogger<FanoutLedger> logger) : IDisposable
{
    /// <summary>Marks kept in memory at most; beyond it the least recently used go (a wait then reads the stored mark).</summary>
    public const int MaxRememberedMarks = 10_000;

    /// <summary>A mark unused this long is forgotten.</summary>
    public static readonly TimeSpan MarkExpiry = TimeSpan.FromMinutes(10);

    /// <summary>Characters per settled-set column (a table string property holds 32,768).</summary>
    private const int SettledChunk = 30_000;

    public const int OutboxShards = 16;
    private const string StateColumn = "FanoutState";
    private const string SettledColumn = "FanoutSettled";
    private const string DeliveredColumn = "FanoutDelivered";
    private const string RecipientsColumn = "FanoutRecipientCount";
    private const string AtColumn = "FanoutAt";
    private const string DoneState = "done";
    private const string PendingState = "pending";
    private const string MarkRow = "m";
    private const string MarkColumn = "Sequence";

    /// <summary>Columns of rows written before this ledger had its own names; read as a fallback.</summary>
    private const string LegacyDeliveredColumn = "Delivered";
    private const string LegacyMarkColumn = "FannedOut";

    private readonly MemoryCache _marks = new(new MemoryCacheOptions { SizeLimit = MaxRememberedMarks, Clock = new CacheClock(time), ExpirationScanFrequency = TimeSpan.FromMinutes(1) });
    private readonly Lock _marksGate = new();

    /// <summary>How many marks this process holds in memory now.</summary>
    internal int RememberedMarks => _marks.Count;

    public static string OutboxShard(string updateId) =>
        (updateId[0] % OutboxShards).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>
    /// Opens the outbox row of an update about to be stored: due after the grace period. It keeps the update's trace,
    /// so that a fan-out the sweep asks for again continues it.
    /// </summary>
    public async Task OpenAsync(string updateId, CancellationToken cancellationToken, CarriedTrace trace = default)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        var due = time.GetUtcNow() + options.Value.Grace;
        var row = new TableEntity(OutboxShard(updateId), updateId) { ["DueAt"] = due };
        if (trace.Parent is { } parent)
        {
            row[StoredUpdate.TraceParentColumn] = parent;
            row[StoredUpdate.TraceStateColumn] = trace.State;
        }

        await outbox.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Asks for the fan-out of a stored update: a message on the <c>fanout</c> queue, carrying its trace.</summary>
    public async Task RequestAsync(string updateId, CancellationToken cancellationToken, CarriedTrace trace = default)
    {
        var fanout = await storage.QueueAsync(HubStorage.FanoutQueue, cancellationToken);
        await fanout.SendMessageAsync(JsonSerializer.Serialize(new FanoutRequested(updateId, trace.Parent, trace.State), HubJson.Options), cancellationToken);
    }

    /// <summary>The update and its fan-out state, in one read; null when the update is not stored.</summary>
    public async Task<FanoutRecord?> ReadAsync(string updateId, CancellationToken cancellationToken)
    {
        if (!UpdateStore.IsUpdateId(updateId))
        {
            return null;
        }

        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var entity = await updates.FindAsync<TableEntity>(updateId, UpdateStore.UpdateRow, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        var stored = StoredUpdate.Read(entity);
        return new FanoutRecord(stored.Update, stored.Sequence, entity.GetString(StateColumn) == DoneState, ReadSettled(entity)) { Trace = stored.Trace };
    }

    /// <summary>Records what is settled; <see cref="FanoutProgress.Done"/> when nothing is owed any more.</summary>
    public async Task SaveAsync(string updateId, FanoutProgress progress, CancellationToken cancellationToken)
    {
        var updates = await storage.TableAsync(HubStorage.UpdatesTable, cancellationToken);
        var entity = new TableEntity(updateId, UpdateStore.UpdateRow)
        {
            [RecipientsColumn] = progress.Recipients,
            [StateColumn] = progress.Done ? DoneState : PendingState,
            [AtColumn] = time.GetUtcNow(),
        };
        var text = string.Join(',', progress.Settled.Order(StringComparer.Ordinal));
        for (var chunk = 0; chunk * SettledChunk < Math.Max(text.Length, 1); chunk++)
        {
            entity[SettledColumn + (chunk == 0 ? string.Empty : chunk.ToString(CultureInfo.InvariantCulture))] =
                text.Substring(chunk * SettledChunk, Math.Min(SettledChunk, text.Length - (chunk * SettledChunk)));
        }

        await updates.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The settled set: token columns (FanoutSettled, FanoutSettled1, ...), else the JSON list older rows hold.</summary>
    private static HashSet<string> ReadSettled(TableEntity entity)
    {
        var settled = new HashSet<string>(StringComparer.Ordinal);
        if (entity.GetString(SettledColumn) is { } first)
        {
            var text = new System.Text.StringBuilder(first);
            for (var chunk = 1; entity.GetString(SettledColumn + chunk.ToString(CultureInfo.InvariantCulture)) is { } more; chunk++)
            {
                text.Append(more);
            }

            settled.UnionWith(text.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries));
            return settled;
        }

        if ((entity.GetString(DeliveredColumn) ?? entity.GetString(LegacyDeliveredColumn)) is { } json)
        {
            settled.UnionWith(JsonSerializer.Deserialize<HashSet<string>>(json) ?? []);
        }

        return settled;
    }

    /// <summary>Closes an update's outbox row: nothing is owed.</summary>
    public async Task CloseAsync(string updateId, CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        try
        {
            await outbox.DeleteEntityAsync(OutboxShard(updateId), updateId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
        }
    }

    /// <summary>Outbox rows past due, shard by shard.</summary>
    public async IAsyncEnumerable<OverdueFanout> OverdueAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        var now = time.GetUtcNow();
        for (var shard = 0; shard < OutboxShards; shard++)
        {
            var partition = shard.ToString("D2", CultureInfo.InvariantCulture);
            await foreach (var row in outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and DueAt le {now}"), cancellationToken: cancellationToken))
            {
                yield return new OverdueFanout(row.RowKey, row.Timestamp ?? now, row) { Trace = StoredUpdate.ReadTrace(row) };
            }
        }
    }

    /// <summary>Moves an overdue row's due time on by the grace period (its fan-out was just asked for again).</summary>
    public async Task PostponeAsync(OverdueFanout overdue, CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        var row = overdue.Row;
        row["DueAt"] = time.GetUtcNow() + options.Value.Grace;
        await outbox.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Deletes an overdue row whose update is done, or was never stored; a row changed since it was read stays.</summary>
    public async Task DiscardAsync(OverdueFanout overdue, CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        try
        {
            await outbox.DeleteEntityAsync(overdue.Row.PartitionKey, overdue.Row.RowKey, overdue.Row.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound() || e.IsPreconditionFailed())
        {
        }
    }

    /// <summary>
    /// Keeps a collaboration's events in sequence order: waits until the previous update's fan-out has finished, but
    /// never longer than the ordering patience after the update was received (a stuck or missing predecessor, a gap after
    /// a crash), so order is kept in normal running and nothing is ever blocked for good. A mark written by this process
    /// wakes the wait at once and stands in for a read; the stored mark is read at first and again when a wait times out
    /// (a mark from another instance).
    /// </summary>
    public async Task WaitForTurnAsync(NormalisedUpdate update, long sequence, CancellationToken cancellationToken)
    {
        if (sequence <= 1 || Known(update.Collaboration) >= sequence - 1)
        {
            return;
        }

        var patience = options.Value.OrderingPatience;
        var wait = TimeSpan.FromMilliseconds(50);
        while (await ReadMarkAsync(update.Collaboration, cancellationToken) < sequence - 1)
        {
            if (time.GetUtcNow() - update.ReceivedAt > patience)
            {
                logger.LogWarning("Fan-out of {UpdateId} (sequence {Sequence}) goes ahead without its predecessor", update.Id, sequence);
                return;
            }

            var mark = MarkOf(update.Collaboration);
            if (mark.Sequence < sequence - 1)
            {
                try
                {
                    await mark.Changed.Task.WaitAsync(wait, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                }
            }

            if (Known(update.Collaboration) >= sequence - 1)
            {
                return;
            }

            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Records that the fan-out of <paramref name="sequence"/> finished; the mark only moves forward.</summary>
    public async Task MarkAsync(string collaboration, long sequence, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.FanoutMarksTable, cancellationToken);
        var known = _marks.TryGetValue(collaboration, out FannedOutMark? mark) && mark!.ETag is { } etag
            ? new TableEntity(collaboration, MarkRow) { ETag = etag, [MarkColumn] = mark.Sequence }
            : null;
        ETag? written = null;
        var stored = await table.ChangeAsync(
            collaboration,
            MarkRow,
            existing =>
            {
                var current = existing?.GetInt64(MarkColumn) ?? 0;
                written = existing?.ETag;
                return current >= sequence
                    ? TableChange<long>.Keep(current)
                    : TableChange<long>.Write(new TableEntity(collaboration, MarkRow) { [MarkColumn] = sequence }, sequence);
            },
            cancellationToken,
            known,
            etag => written = etag);

        Remember(collaboration, stored, written);
    }

    /// <summary>The mark as stored (falling back on the column collaboration rows held before marks had a table).</summary>
    private async Task<long> ReadMarkAsync(string collaboration, CancellationToken cancellationToken)
    {
        var marks = await storage.TableAsync(HubStorage.FanoutMarksTable, cancellationToken);
        var row = await marks.FindAsync<TableEntity>(collaboration, MarkRow, cancellationToken);
        long stored;
        if (row is not null)
        {
            stored = row.GetInt64(MarkColumn) ?? 0;
        }
        else
        {
            var collaborations = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
            var legacy = await collaborations.GetEntityIfExistsAsync<TableEntity>(collaboration, "c", select: [LegacyMarkColumn], cancellationToken: cancellationToken);
            stored = legacy.HasValue ? legacy.Value!.GetInt64(LegacyMarkColumn) ?? 0 : 0;
        }

        Remember(collaboration, stored, row?.ETag);
        return Math.Max(stored, Known(collaboration));
    }

    private long Known(string collaboration) => _marks.TryGetValue(collaboration, out FannedOutMark? mark) ? mark!.Sequence : 0;

    private FannedOutMark MarkOf(string collaboration)
    {
        lock (_marksGate)
        {
            if (_marks.TryGetValue(collaboration, out FannedOutMark? mark))
            {
                return mark!;
            }

            mark = new FannedOutMark(0, null);
            Store(collaboration, mark);
            return mark;
        }
    }

    internal void Remember(string collaboration, long sequence, ETag? etag)
    {
        FannedOutMark? replaced;
        lock (_marksGate)
        {
            _marks.TryGetValue(collaboration, out replaced);
            if (replaced is not null && (replaced.Sequence > sequence || (replaced.Sequence == sequence && (etag is null || replaced.ETag == etag))))
            {
                return;
            }

            Store(collaboration, new FannedOutMark(sequence, etag));
        }

        replaced?.Changed.TrySetResult();
    }

    private void Store(string collaboration, FannedOutMark mark) =>
        _marks.Set(collaboration, mark, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = MarkExpiry });

    public void Dispose() => _marks.Dispose();

    /// <summary>The cache's clock is the ledger's <see cref="TimeProvider"/>.</summary>
    private sealed class CacheClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    /// <summary>A mark this process knows (with the ETag it was read or written with), and a signal completed when a higher one replaces it.</summary>
    private sealed class FannedOutMark(long sequence, ETag? etag)
    {
        public long Sequence { get; } = sequence;

        public ETag? ETag { get; } = etag;

        public TaskCompletionSource Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

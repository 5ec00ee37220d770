using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Updates;

/// <summary>A row of the month index: the update, when its row was stored, and whether that was after its month's cutoff.</summary>
public sealed record MonthIndexRow(NormalisedUpdate Update, DateTimeOffset StoredAt, bool Late);

/// <summary>
/// The updates by the Stockholm month they <b>occurred</b> in, for the digest (table <c>UpdatesByMonth</c>), and each
/// month's cutoff: the instant after which an update of that month counts as reported late.
/// <list type="bullet">
/// <item>On time: PartitionKey = the Stockholm day it occurred, <c>yyyy-MM-dd</c>, RowKey = update id; <c>Json</c>,
/// <c>OccurredAt</c>, <c>StoredAt</c>, <c>Late</c>. A month is its days' partitions, read a day at a time in the order
/// things happened, so the digest folds the month as it reads and never holds it whole; a day's writes are far below
/// what a partition serves.</item>
/// <item>Late: an update whose month already had a cutoff when its row was written is marked <c>Late</c> and also
/// listed in the small partition <c>~late-{yyyy-MM}</c> (of the month it occurred in), which later months read.</item>
/// <item>Cutoffs: PartitionKey <c>~cutoffs</c>, RowKey <c>yyyy-MM</c>, <c>Cutoff</c>; set once (an insert) and never
/// changed. The carry-over marker: PartitionKey <c>~meta</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// Each update's row is inserted once (a conflict keeps the first: a retry, the sweep or the fan-out may record an
/// update again), so an update is on time or late once and for all. Whether it is late is decided by the writer from
/// the cutoff it sees: a cutoff once seen is kept for good, "no cutoff yet" for at most <see cref="NoCutoffCacheTime"/>,
/// and a write is given up after <see cref="WriteTimeout"/>. So a row written without seeing a cutoff is in storage
/// well within <see cref="SettleTime"/> of the cutoff being set, and the digest reads a month only once that much time
/// has passed since its cutoff: every on-time row is then in the read, and every later row is late.
/// </remarks>
public sealed class UpdateMonthIndex(HubStorage storage, TimeProvider time, ILogger logger)
{
    public const string Table = "UpdatesByMonth";
    public const string JsonColumn = StoredUpdate.JsonColumn;

    /// <summary>How long "this month has no cutoff yet" is believed without asking storage again.</summary>
    public static readonly TimeSpan NoCutoffCacheTime = TimeSpan.FromSeconds(10);

    /// <summary>How long one write of an index row may take before it is given up (and retried by the caller).</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The least time from a cutoff to reading its month: the two above, with room for clocks.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    private const string CutoffPartition = "~cutoffs";
    private const string MetaPartition = "~meta";
    private const string LatePrefix = "~late-";
    private const string CarriedOverRow = "carried-over-from-day-index";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _cutoffs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _noCutoffUntil = new(StringComparer.Ordinal);

    /// <summary>The Stockholm month of an instant, <c>yyyy-MM</c>.</summary>
    public static string MonthOf(DateTimeOffset instant)
    {
        var date = Stockholm.DateOf(instant);
        return date.Year.ToString("D4", CultureInfo.InvariantCulture) + "-" + date.Month.ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>The partition of an update's row: the Stockholm day it occurred.</summary>
    public static string Partition(DateTimeOffset occurredAt) => Stockholm.DateOf(occurredAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the update's row in the month it occurred in (idempotent: the first write stands), late when that month's
    /// cutoff is already set, and then in that month's late list too.
    /// </summary>
    public async Task WriteAsync(NormalisedUpdate update, string json, CancellationToken cancellationToken)
    {
        var month = MonthOf(update.OccurredAt);
        var table = await storage.TableAsync(Table, cancellationToken);
        var cutoff = await CutoffAsync(month, cancellationToken);
        var now = time.GetUtcNow();
        var late = cutoff is not null;
        var storedAt = cutoff is { } c && now <= c ? c.AddTicks(1) : now;
        var row = new TableEntity(Partition(update.OccurredAt), update.Id)
        {
            [JsonColumn] = json,
            ["OccurredAt"] = update.OccurredAt,
            ["StoredAt"] = storedAt,
            ["Late"] = late,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(WriteTimeout);
        try
        {
            await table.AddEntityAsync(row, timeout.Token);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            // Written before (a retry or a second recording): that row stands, late or not.
            var existing = await table.FindAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken);
            if (existing is null || existing.GetBoolean("Late") != true)
            {
                return;
            }

            row = existing;
            late = true;
        }

        if (late)
        {
            await table.UpsertEntityAsync(
                new TableEntity(LatePrefix + month, update.Id)
                {
                    [JsonColumn] = row.GetString(JsonColumn) ?? json,
                    ["OccurredAt"] = update.OccurredAt,
                    ["StoredAt"] = row.GetDateTimeOffset("StoredAt") ?? storedAt,
                },
                TableUpdateMode.Replace,
                cancellationToken);
        }
    }

    /// <summary>
    /// The rows of the updates that occurred in the month, in the order they occurred (then received, then id): a day's
    /// partition at a time, the next day read while this one is handed out.
    /// </summary>
    public async IAsyncEnumerable<MonthIndexRow> ReadMonthAsync(string month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var first = new NodaTime.LocalDate(int.Parse(month[..4], CultureInfo.InvariantCulture), int.Parse(month[5..], CultureInfo.InvariantCulture), 1);
        var days = Enumerable.Range(0, NodaTime.CalendarSystem.Iso.GetDaysInMonth(first.Year, first.Month)).Select(d => first.PlusDays(d)).ToArray();
        var next = ReadDayAsync(table, days[0], cancellationToken);
        for (var d = 0; d < days.Length; d++)
        {
            var rows = await next;
            if (d + 1 < days.Length)
            {
                next = ReadDayAsync(table, days[d + 1], cancellationToken);
            }

            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    private static async Task<List<MonthIndexRow>> ReadDayAsync(TableClient table, NodaTime.LocalDate day, CancellationToken cancellationToken)
    {
        var partition = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = new List<MonthIndexRow>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows.Add(Read(entity));
        }

        rows.Sort(static (a, b) =>
        {
            var order = a.Update.OccurredAt.CompareTo(b.Update.OccurredAt);
            order = order != 0 ? order : a.Update.ReceivedAt.CompareTo(b.Update.ReceivedAt);
            return order != 0 ? order : string.CompareOrdinal(a.Update.Id, b.Update.Id);
        });
        return rows;
    }

    /// <summary>The updates of a month that were stored after its cutoff (few).</summary>
    public async IAsyncEnumerable<MonthIndexRow> ReadLateAsync(string month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var partition = LatePrefix + month;
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return Read(entity) with { Late = true };
        }
    }

    /// <summary>A month's cutoff, if set.</summary>
    public async Task<DateTimeOffset?> CutoffAsync(string month, CancellationToken cancellationToken)
    {
        if (_cutoffs.TryGetValue(month, out var known))
        {
            return known;
        }

        var now = time.GetUtcNow();
        if (_noCutoffUntil.TryGetValue(month, out var until) && now < until)
        {
            return null;
        }

        var table = await storage.TableAsync(Table, cancellationToken);
        var row = await table.FindAsync<TableEntity>(CutoffPartition, month, cancellationToken);
        if (row?.GetDateTimeOffset("Cutoff") is { } cutoff)
        {
            _cutoffs[month] = cutoff;
            _noCutoffUntil.TryRemove(month, out _);
            return cutoff;
        }

        _noCutoffUntil[month] = now + NoCutoffCacheTime;
        return null;
    }

    /// <summary>Every cutoff set for the months from <paramref name="from"/> to <paramref name="to"/> (inclusive), read now.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> CutoffsAsync(string from, string to, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CutoffPartition} and RowKey ge {from} and RowKey le {to}");
        var cutoffs = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("Cutoff") is { } cutoff)
            {
                cutoffs[row.RowKey] = cutoff;
                _cutoffs[row.RowKey] = cutoff;
            }
        }

        return cutoffs;
    }

    /// <summary>Sets a month's cutoff unless it has one; answers the one that stands.</summary>
    public async Task<DateTimeOffset> SealAsync(string month, DateTimeOffset cutoff, string reason, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity(CutoffPartition, month) { ["Cutoff"] = cutoff, ["Reason"] = reason, ["SetAt"] = time.GetUtcNow() }, cancellationToken);
            _cutoffs[month] = cutoff;
            _noCutoffUntil.TryRemove(month, out _);
            logger.LogInformation("Month {Month} has its digest cutoff at {Cutoff} ({Reason})", month, cutoff, reason);
            return cutoff;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            _cutoffs.TryRemove(month, out _);
            return await CutoffAsync(month, cancellationToken) ?? throw new InvalidOperationException($"The cutoff of {month} conflicted but cannot be read.");
        }
    }

    /// <summary>Removes an update's rows (an update that is not kept).</summary>
    public async Task DeleteAsync(NormalisedUpdate update, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var month = MonthOf(update.OccurredAt);
        foreach (var (partition, row) in new[] { (Partition(update.OccurredAt), update.Id), (LatePrefix + month, update.Id) })
        {
            try
            {
                await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
            }
        }
    }

    /// <summary>Whether the rows of the day index (before this index existed) were carried over.</summary>
    public async Task<bool> IsCarriedOverAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        return await table.FindAsync<TableEntity>(MetaPartition, CarriedOverRow, cancellationToken) is not null;
    }

    /// <summary>
    /// Carries every row of <c>UpdatesByDay</c> (keyed by the UTC day of receipt) over into this index once, stored at its
    /// receipt, late when its month's cutoff (set before this runs: months already sent have theirs from the ledger) came
    /// before its receipt. Rows already here stand. Answers how many rows were added.
    /// </summary>
    public async Task<int> CarryOverDayIndexAsync(CancellationToken cancellationToken)
    {
        if (await IsCarriedOverAsync(cancellationToken))
        {
            return 0;
        }

        var table = await storage.TableAsync(Table, cancellationToken);
        var byDay = await storage.TableAsync(HubStorage.UpdatesByDayTable, cancellationToken);
        var cutoffs = await CutoffsAsync("0000-00", "9999-99", cancellationToken);
        var added = 0;
        await foreach (var entity in byDay.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var json = entity.GetString(JsonColumn);
            if (json is null)
            {
                continue;
            }

            var update = StoredUpdate.ReadUpdate(entity);
            var month = MonthOf(update.OccurredAt);
            var late = cutoffs.TryGetValue(month, out var cutoff) && update.ReceivedAt >= cutoff;
            var partition = Partition(update.OccurredAt);
            try
            {
                await table.AddEntityAsync(
                    new TableEntity(partition, update.Id) { [JsonColumn] = json, ["OccurredAt"] = update.OccurredAt, ["StoredAt"] = update.ReceivedAt, ["Late"] = late },
                    cancellationToken);
                added++;
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
                continue;
            }

            if (late)
            {
                await table.UpsertEntityAsync(
                    new TableEntity(LatePrefix + month, update.Id) { [JsonColumn] = json, ["OccurredAt"] = update.OccurredAt, ["StoredAt"] = update.ReceivedAt },
                    TableUpdateMode.Replace,
                    cancellationToken);
            }
        }

        await table.UpsertEntityAsync(new TableEntity(MetaPartition, CarriedOverRow) { ["At"] = time.GetUtcNow(), ["Rows"] = added }, TableUpdateMode.Replace, cancellationToken);
        logger.LogInformation("Carried {Count} row(s) of the day index over into the month index", added);
        return added;
    }

    private static MonthIndexRow Read(TableEntity entity)
    {
        var update = StoredUpdate.ReadUpdate(entity);
        return new MonthIndexRow(update, entity.GetDateTimeOffset("StoredAt") ?? update.ReceivedAt, entity.GetBoolean("Late") == true);
    }
}

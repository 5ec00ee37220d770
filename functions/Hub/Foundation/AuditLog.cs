using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Foundation;

/// <summary>One administrative act: who (a key's id, never the key), what, on what, when.</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, string Actor, string Action, string Target, string? Detail = null);

/// <summary>
/// The audit log of every administrative act (<c>Audit</c>, PartitionKey = the month, RowKey = inverted time + a random
/// tail, so a month reads newest first): sources and partners registered or changed, credentials rotated or revoked,
/// replays, digests sent, collaborations changed and members removed. Kept until retention says otherwise.
/// </summary>
public sealed class AuditLog(HubStorage storage, TimeProvider time)
{
    /// <summary>Records that <paramref name="caller"/> did <paramref name="action"/> to <paramref name="target"/>.</summary>
    public async Task RecordAsync(Caller caller, string action, string target, string? detail = null, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(HubStorage.AuditTable, cancellationToken);
        var at = time.GetUtcNow();
        var id = Ids.NewId();
        await table.AddEntityAsync(
            new TableEntity(Month(at), ReverseChronological.Key(at) + "-" + id)
            {
                ["Id"] = id,
                ["At"] = at,
                ["Actor"] = caller.Actor,
                ["Action"] = action,
                ["Target"] = target,
                ["Detail"] = detail,
            },
            cancellationToken);
    }

    /// <summary>The acts in [<paramref name="from"/>, <paramref name="to"/>), newest first, paged by cursor.</summary>
    public async Task<CursorPage<AuditEntry>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.AuditTable, cancellationToken);
        var after = cursor is null ? null : Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        var items = new List<AuditEntry>(limit);
        for (var month = new DateTimeOffset(to.Year, to.Month, 1, 0, 0, 0, TimeSpan.Zero); month.AddMonths(1) > from && items.Count < limit; month = month.AddMonths(-1))
        {
            var partition = Month(month);
            if (after is not null && string.CompareOrdinal(partition, after[..6]) > 0)
            {
                continue;
            }

            var lower = ReverseChronological.Key(to);
            var upper = ReverseChronological.Key(from) + "~";
            var start = after is not null && after[..6] == partition ? after[7..] : lower;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {start} and RowKey lt {upper}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken))
            {
                items.Add(new AuditEntry(row.GetString("Id"), row.GetDateTimeOffset("At") ?? default, row.GetString("Actor"), row.GetString("Action"), row.GetString("Target"), row.GetString("Detail")));
                if (items.Count == limit)
                {
                    var next = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(partition + "|" + row.RowKey));
                    return new CursorPage<AuditEntry>(items, limit, next);
                }
            }

            after = null;
        }

        return new CursorPage<AuditEntry>(items, limit, null);
    }

    /// <summary>Deletes acts recorded before <paramref name="before"/> (the retention sweep, when <c>Hub:Retention:AuditDays</c> is set); returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.AuditTable, cancellationToken);
        var months = TableClient.CreateQueryFilter($"PartitionKey le {Month(before)}");
        return await TableSweep.DeleteAsync(table, $"{months} and {TableClient.CreateQueryFilter($"RowKey gt {ReverseChronological.Key(before)}")}", cancellationToken);
    }

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);
}

using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// A payload that failed, kept with its reasons and raw body so an operator can see it and run it again; a personnummer
/// in it is masked before it is kept (<see cref="BodyMasked"/>), so the hub never stores one, even by accident.
/// </summary>
public sealed record Rejection(
    string Id,
    string SourceId,
    string Channel,
    int Status,
    string Title,
    IReadOnlyList<InvalidParameter> Reasons,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    bool BodyTruncated,
    DateTimeOffset ReceivedAt,
    string State,
    string? UpdateId,
    DateTimeOffset? RetriedAt,
    bool BodyMasked = false)
{
    /// <summary>Whether running it again could store an update: open, and its body kept whole and unmasked.</summary>
    public bool CanRetry => State == "open" && !BodyTruncated && !BodyMasked;
}

/// <summary>
/// Rejections in Table Storage: PartitionKey = source id (or <c>_unattributed</c> for queue messages naming no source),
/// RowKey = the rejection id, which starts with inverted ticks so a source's rejections list newest first.
/// </summary>
public sealed class RejectionStore(HubStorage storage, TimeProvider time, IOptions<RejectionOptions> options)
{
    public const string Unattributed = "_unattributed";

    public async Task<Rejection> AddAsync(
        string? sourceId,
        string channel,
        int status,
        string title,
        IReadOnlyList<InvalidParameter> reasons,
        string? contentType,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = ReverseChronological.Key(now) + Ids.NewId()[..6];
        var max = options.Value.MaxStoredBodyBytes;
        var truncated = body.Length > max;
        var text = PersonnummerGuard.Mask(Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, max)]), out var masked);
        var keptHeaders = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            keptHeaders[name] = PersonnummerGuard.Mask(value, out var inHeader);
            masked |= inHeader;
        }

        var rejection = new Rejection(id, sourceId ?? Unattributed, channel, status, title, reasons, contentType, keptHeaders, text, truncated, now, "open", null, null, masked);
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);
        await table.AddEntityAsync(ToEntity(rejection), cancellationToken);
        return rejection;
    }

    public async Task<Rejection?> GetAsync(string sourceId, string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);
        var entity = await table.FindAsync<TableEntity>(sourceId, id, cancellationToken);
        return entity is null ? null : ToRejection(entity);
    }

    public async Task<IReadOnlyList<Rejection>> ListAsync(string sourceId, int limit, int offset, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);
        var result = new List<Rejection>(limit);
        var skipped = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == sourceId, cancellationToken: cancellationToken))
        {
            if (skipped++ < offset)
            {
                continue;
            }

            result.Add(ToRejection(entity));
            if (result.Count == limit)
            {
                break;
            }
        }

        return result;
    }

    public async Task UpdateAsync(Rejection rejection, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(rejection), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Deletes rejections received before <paramref name="before"/> (the retention sweep); returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);

        // Row keys are inverted ticks: older rejections have larger keys.
        return await TableSweep.DeleteAsync(table, TableClient.CreateQueryFilter($"RowKey gt {ReverseChronological.Key(before)}"), cancellationToken);
    }

    /// <summary>How many rejections wait (open, not yet resolved): a scan of their keys only, for the metric, read seldom.</summary>
    public async Task<long> CountOpenAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.RejectionsTable, cancellationToken);
        long count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.GetString("State") == "open", select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static TableEntity ToEntity(Rejection r) => new(r.SourceId, r.Id)
    {
        ["Channel"] = r.Channel,
        ["Status"] = r.Status,
        ["Title"] = r.Title,
        ["Reasons"] = JsonSerializer.Serialize(r.Reasons, HubJson.Options),
        ["ContentType"] = r.ContentType,
        ["Headers"] = JsonSerializer.Serialize(r.Headers, HubJson.Options),
        ["Body"] = r.Body,
        ["BodyTruncated"] = r.BodyTruncated,
        ["ReceivedAt"] = r.ReceivedAt,
        ["State"] = r.State,
        ["UpdateId"] = r.UpdateId,
        ["RetriedAt"] = r.RetriedAt,
        ["BodyMasked"] = r.BodyMasked,
    };

    private static Rejection ToRejection(TableEntity e) => new(
        e.RowKey,
        e.PartitionKey,
        e.GetString("Channel") ?? "http",
        e.GetInt32("Status") ?? 422,
        e.GetString("Title") ?? string.Empty,
        JsonSerializer.Deserialize<List<InvalidParameter>>(e.GetString("Reasons") ?? "[]", HubJson.Options) ?? [],
        e.GetString("ContentType"),
        JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Headers") ?? "{}", HubJson.Options) ?? [],
        e.GetString("Body") ?? string.Empty,
        e.GetBoolean("BodyTruncated") ?? false,
        e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
        e.GetString("State") ?? "open",
        e.GetString("UpdateId"),
        e.GetDateTimeOffset("RetriedAt"),
        e.GetBoolean("BodyMasked") ?? false);
}

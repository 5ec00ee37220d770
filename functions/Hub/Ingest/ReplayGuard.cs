using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Ingest;

/// <summary>
/// The <c>webhook-id</c>s each source has used (<c>WebhookIds</c>, PartitionKey = source id, RowKey = the id's SHA-256),
/// with the update each one stored. Standard Webhooks asks receivers to dedupe by it: a signed request whose
/// <c>webhook-id</c> the source used before answers 200 duplicate with the first update's id, whatever else it carries.
/// Kept <see cref="Kept"/>, far beyond the five-minute timestamp window a replay must fall within.
/// </summary>
public sealed class ReplayGuard(HubStorage storage, TimeProvider time, ILogger<ReplayGuard> logger)
{
    public static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    /// <summary>The update a source's earlier request with this <c>webhook-id</c> stored, if any.</summary>
    public async Task<string?> FirstUseAsync(string sourceId, string webhookId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.WebhookIdsTable, cancellationToken);
        return (await table.FindAsync<TableEntity>(sourceId, Key(webhookId), cancellationToken))?.GetString("UpdateId");
    }

    /// <summary>Records that this <c>webhook-id</c> stored <paramref name="updateId"/> (the first use wins; a later one is kept as it was).</summary>
    public async Task RecordAsync(string sourceId, string webhookId, string updateId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.WebhookIdsTable, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity(sourceId, Key(webhookId)) { ["UpdateId"] = updateId, ["At"] = time.GetUtcNow() }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
        }
    }

    /// <summary>Forgets <c>webhook-id</c>s older than <see cref="Kept"/>; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.WebhookIdsTable, cancellationToken);
        var cutoff = time.GetUtcNow() - Kept;
        var deleted = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"At lt {cutoff}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            deleted++;
        }

        if (deleted > 0)
        {
            logger.LogInformation("Forgot {Count} webhook-id(s) older than {Kept}", deleted, Kept);
        }

        return deleted;
    }

    private static string Key(string webhookId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId)));
}

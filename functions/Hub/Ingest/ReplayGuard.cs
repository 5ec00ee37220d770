using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Ingest;

/// <summary>
/// The <c>webhook-id</c>s each source has used (<c>WebhookIds</c>, PartitionKey = source id, RowKey = the id's SHA-256),
/// with the update each one stored. Standard Webhooks asks receivers to dedupe by it: a signed request whose
/// <c>webhook-id</c> the source used before answers 200 duplicate with the first update's id, whatever else it carries.
/// Kept <c>Hub:Retention:WebhookIdDays</c> (2 by default), far beyond the five-minute timestamp window a replay must fall
/// within; the retention sweep forgets older ones.
/// </summary>
public sealed class ReplayGuard(HubStorage storage, TimeProvider time)
{
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

    /// <summary>Forgets <c>webhook-id</c>s first used before <paramref name="before"/> (the retention sweep); returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.WebhookIdsTable, cancellationToken);
        return await TableSweep.DeleteAsync(table, TableClient.CreateQueryFilter($"At lt {before}"), cancellationToken);
    }

    private static string Key(string webhookId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId)));
}

using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Foundation;

/// <summary>Whether the hub's storage answers: one table read and one queue read.</summary>
public sealed class StorageHealth(HubStorage storage, ILogger<StorageHealth> logger)
{
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            var table = await storage.TableAsync(HubStorage.SourcesTable, cancellationToken);
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
            {
                break;
            }

            var queue = await storage.QueueAsync(HubStorage.FanoutQueue, cancellationToken);
            await queue.GetPropertiesAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Health check: storage not reachable ({Error})", e.GetType().Name);
            return false;
        }
    }
}

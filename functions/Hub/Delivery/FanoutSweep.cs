using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Storage;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Finds updates whose fan-out is overdue (their outbox row is past due) and queues them again, so a crash between
/// storing and queueing, or a lost <c>fanout</c> message, loses nothing. Runs on a timer every few minutes.
/// </summary>
public sealed class FanoutSweep(HubStorage storage, UpdateStore updates, TimeProvider time, IOptions<HubOptions> options, ILogger<FanoutSweep> logger)
{
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var outbox = await storage.TableAsync(HubStorage.OutboxTable, cancellationToken);
        var now = time.GetUtcNow();
        var requeued = 0;
        for (var shard = 0; shard < UpdateStore.OutboxShards; shard++)
        {
            var partition = shard.ToString("D2", CultureInfo.InvariantCulture);
            await foreach (var row in outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and DueAt le {now}"), cancellationToken: cancellationToken))
            {
                var entity = await updates.FindUpdateEntityAsync(row.RowKey, cancellationToken);
                if (entity is null)
                {
                    // The insert never happened (the process died before it): nothing was acknowledged, nothing is owed.
                    if (row.Timestamp is { } written && now - written > TimeSpan.FromMinutes(10))
                    {
                        await DeleteAsync(outbox, row, cancellationToken);
                    }

                    continue;
                }

                if (entity.GetString("FanoutState") == "done")
                {
                    await DeleteAsync(outbox, row, cancellationToken);
                    continue;
                }

                var update = JsonSerializer.Deserialize<NormalisedUpdate>(entity.GetString("Json"), HubJson.Options)!;
                row["DueAt"] = now + options.Value.Ingest.FanoutGrace;
                await outbox.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
                await updates.CompleteAsync(update, cancellationToken);
                requeued++;
            }
        }

        if (requeued > 0)
        {
            logger.LogWarning("Sweep queued the overdue fan-out of {Count} update(s) again", requeued);
        }

        return requeued;
    }

    private static async Task DeleteAsync(TableClient outbox, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }
}

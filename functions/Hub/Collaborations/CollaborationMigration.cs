using System.Text.Json;
using Azure.Data.Tables;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// Carries collaborations stored before they were objects of their own (a title, a growing participants list) over,
/// as the contract says: owner = the organisation of the source of the update with sequence 1, name = that update's
/// title, members = the stored participants (since the collaboration's first activity; an admin removes any that do
/// not belong). Done lazily when such a collaboration is read, and for all of them once at start (<see cref="CarryOverAtStart"/>).
/// </summary>
public sealed class CollaborationMigration(UpdateStore updates, ILogger<CollaborationMigration> logger)
{
    /// <summary>The collaboration a row of the first version describes.</summary>
    public async Task<Collaboration> DescribeAsync(TableEntity legacy, CancellationToken cancellationToken)
    {
        var id = legacy.PartitionKey;
        var first = await updates.FirstOfCollaborationAsync(id, cancellationToken);
        var firstActivity = legacy.GetDateTimeOffset("FirstActivity") ?? first?.OccurredAt ?? DateTimeOffset.MinValue;
        var since = first?.ReceivedAt ?? firstActivity;
        var participants = JsonSerializer.Deserialize<List<string>>(legacy.GetString("Participants") ?? "[]") ?? [];
        var owner = first?.Organisation ?? participants.FirstOrDefault() ?? string.Empty;
        if (first is null)
        {
            logger.LogWarning("Collaboration {CollaborationId} has no first update to take its owner from", id);
        }

        var members = participants.Append(owner).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(p => new Member(p, since)).ToArray();
        return new Collaboration(
            id,
            first?.Title ?? legacy.GetString("Title") ?? id,
            null,
            null,
            legacy.GetString("Area"),
            legacy.GetString("Status"),
            owner,
            members,
            true,
            since,
            firstActivity,
            legacy.GetDateTimeOffset("LastActivity") ?? firstActivity,
            legacy.GetInt32("UpdateCount") ?? 0);
    }
}

/// <summary>At start, carries every collaboration of the first version over (idempotent; safe on every instance).</summary>
public sealed class CarryOverAtStart(HubStorage storage, CollaborationStore collaborations, ILogger<CarryOverAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var table = await storage.TableAsync(HubStorage.CollaborationsTable, stoppingToken);
            var carried = 0;
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.RowKey == CollaborationStore.Row, select: ["PartitionKey", "Version"], cancellationToken: stoppingToken))
            {
                if ((row.GetInt32("Version") ?? 1) < CollaborationStore.Version)
                {
                    await collaborations.ReadAsync(row.PartitionKey, stoppingToken);
                    carried++;
                }
            }

            if (carried > 0)
            {
                logger.LogInformation("Carried {Count} collaboration(s) over to version {Version}", carried, CollaborationStore.Version);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever failed (storage not reachable at start, say) must not stop the host: the lazy carry-over on read
            // still does it.
            logger.LogWarning("Could not carry collaborations over at start ({Error}); they are carried over when read", e.GetType().Name);
        }
    }
}

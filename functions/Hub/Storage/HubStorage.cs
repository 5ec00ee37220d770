using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Storage;

/// <summary>The hub's tables and queues by role, created once per process on first use.</summary>
public sealed class HubStorage(TableServiceClient tables, QueueServiceClient queues, IOptions<HubOptions> options, IConfiguration configuration)
{
    public const string UpdatesTable = "Updates";
    public const string TimelineTable = "Timeline";
    public const string UpdatesByDayTable = "UpdatesByDay";
    public const string CollaborationsTable = "Collaborations";
    public const string OutboxTable = "Outbox";
    public const string SourcesTable = "Sources";
    public const string RejectionsTable = "Rejections";
    public const string PartnersTable = "Partners";
    public const string DeliveriesTable = "Deliveries";
    public const string DigestsTable = "Digests";
    public const string KeysTable = "DataProtectionKeys";

    /// <summary>Logical queue names; the real names come from the settings the triggers use (<c>%HubInboundQueue%</c> ...).</summary>
    public const string InboundQueue = "inbound-updates";
    public const string FanoutQueue = "fanout";
    public const string DeliveriesQueue = "deliveries";

    /// <summary>The app settings the triggers' <c>%...%</c> expressions name, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> QueueSettings = new Dictionary<string, string>
    {
        [InboundQueue] = "HubInboundQueue",
        [FanoutQueue] = "HubFanoutQueue",
        [DeliveriesQueue] = "HubDeliveriesQueue",
    };

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new();

    public TableServiceClient TableService => tables;

    public QueueServiceClient QueueService => queues;

    public string TableName(string role) => options.Value.TablePrefix + role;

    public string QueueName(string name) =>
        QueueSettings.TryGetValue(name, out var setting) && configuration[setting] is { Length: > 0 } configured ? configured : name;

    public Task<TableClient> TableAsync(string role, CancellationToken cancellationToken = default) =>
        _tables.GetOrAdd(role, r => new Lazy<Task<TableClient>>(() => CreateTableAsync(r, cancellationToken))).Value;

    public Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken = default) =>
        _queues.GetOrAdd(name, n => new Lazy<Task<QueueClient>>(() => CreateQueueAsync(n, cancellationToken))).Value;

    private async Task<TableClient> CreateTableAsync(string role, CancellationToken cancellationToken)
    {
        var client = tables.GetTableClient(TableName(role));
        try
        {
            await client.CreateIfNotExistsAsync(cancellationToken);
        }
        catch
        {
            _tables.TryRemove(role, out _);
            throw;
        }

        return client;
    }

    private async Task<QueueClient> CreateQueueAsync(string name, CancellationToken cancellationToken)
    {
        var client = queues.GetQueueClient(QueueName(name));
        try
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch
        {
            _queues.TryRemove(name, out _);
            throw;
        }

        return client;
    }
}

/// <summary>Small helpers over the Table SDK that every store needs.</summary>
public static class TableClientExtensions
{
    public static async Task<T?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Read, change, replace under the entity's ETag, again from the read when someone else wrote in between
    /// (optimistic concurrency). Null when the entity does not exist.
    /// </summary>
    public static async Task<T?> ReplaceWithRetryAsync<T>(
        this TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity, (TableEntity Entity, T Value)> change,
        CancellationToken cancellationToken,
        int attempts = 10)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.FindAsync<TableEntity>(partitionKey, rowKey, cancellationToken);
            if (existing is null)
            {
                return null;
            }

            var (entity, value) = change(existing);
            try
            {
                await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return value;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < attempts)
            {
            }
        }
    }

    public static bool IsConflict(this RequestFailedException e) => e.Status == 409;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == 412;
}

/// <summary>Row keys that sort newest first: inverted ticks, fixed width.</summary>
public static class ReverseChronological
{
    public static string Key(DateTimeOffset time) => (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}

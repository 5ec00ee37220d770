using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Foundation;

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
    public const string FanoutMarksTable = "FanoutMarks";
    public const string CollaborationIndexTable = "CollaborationIndex";
    public const string MembershipsTable = "Memberships";
    public const string SourceKeysTable = "SourceKeys";
    public const string AuditTable = "Audit";
    public const string WebhookIdsTable = "WebhookIds";
    public const string PortalLinksTable = "PortalLinks";
    public const string PortalSessionsTable = "PortalSessions";

    /// <summary>Logical queue names; the real names come from the settings the triggers use (<c>%HubInboundQueue%</c> ...).</summary>
    public const string InboundQueue = "inbound-updates";
    public const string FanoutQueue = "fanout";
    public const string DeliveriesQueue = "deliveries";
    public const string DigestsQueue = "digests";

    /// <summary>The app settings the triggers' <c>%...%</c> expressions name, by logical queue name.</summary>
    public static readonly IReadOnlyDictionary<string, string> QueueSettings = new Dictionary<string, string>
    {
        [InboundQueue] = TriggerSettings.InboundQueue,
        [FanoutQueue] = TriggerSettings.FanoutQueue,
        [DeliveriesQueue] = TriggerSettings.DeliveriesQueue,
        [DigestsQueue] = TriggerSettings.DigestsQueue,
    };

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new();

    public TableServiceClient TableService => tables;

    public QueueServiceClient QueueService => queues;

    public string TableName(string role) => options.Value.TablePrefix + role;

    /// <summary>A queue's real name: its trigger setting when configured, else the default of that setting.</summary>
    public string QueueName(string name) =>
        QueueSettings.TryGetValue(name, out var setting)
            ? configuration[setting] is { Length: > 0 } configured ? configured : TriggerSettings.Defaults[setting]
            : name;

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

using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Delivery;

/// <summary>One (partner, channel) chain of a collaboration as the fan-out read it.</summary>
public sealed record DeliveryChain(string PartnerId, string Channel, long Assigned, long? AssignedPrevious, long Completed, ETag? AssignedETag)
{
    /// <summary>Something handed to the chain has not ended yet: a direct send now would overtake it.</summary>
    public bool IsPending => Assigned > Completed;
}

/// <summary>
/// Order per (partner, channel, collaboration) for everything that goes through the <c>deliveries</c> queue (every
/// webhook; a Service Bus or storage-queue send that failed for now, and what follows it while it is owed): a delivery
/// is not sent before its predecessor in its chain was delivered or dead-lettered. State in Table Storage, so it holds
/// across instances:
/// <list type="bullet">
/// <item><c>DeliveryOrder</c>, PartitionKey = collaboration: per chain an <c>a|partner|channel</c> row (the last sequence
/// handed to the chain and its predecessor; written only by the fan-out, which runs one update of a collaboration at a
/// time) and a <c>c|partner|channel</c> row (the last sequence that ended, and the sequences held deliveries wait for;
/// written only by the delivery worker, under its ETag). The fan-out reads the whole partition in one query.</item>
/// <item><c>DeliveryHeld</c>, PartitionKey = collaboration, RowKey = partner|channel|predecessor|update|url: a delivery
/// whose predecessor had not ended, parked until the predecessor's end releases it (a new <c>deliveries</c> message,
/// visible at once). The sweep releases any whose predecessor ended without releasing it (a crash in between), and,
/// after <see cref="FanoutOptions.ChainPatience"/>, any whose predecessor never ends.</item>
/// </list>
/// Different partners, channels and collaborations never wait for each other.
/// </summary>
public sealed class DeliveryOrder(HubStorage storage, TimeProvider time, IOptions<FanoutOptions> options, ILogger<DeliveryOrder> logger)
{
    public const string OrderTable = "DeliveryOrder";
    public const string HeldTable = "DeliveryHeld";
    private const string AssignedColumn = "Assigned";
    private const string PreviousColumn = "Previous";
    private const string CompletedColumn = "Completed";
    private const string WaitingColumn = "Waiting";

    /// <summary>Every chain of <paramref name="collaboration"/>, by (partner, channel); one query.</summary>
    public async Task<IReadOnlyDictionary<(string PartnerId, string Channel), DeliveryChain>> ReadAsync(string collaboration, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(OrderTable, cancellationToken);
        var assigned = new Dictionary<(string, string), TableEntity>();
        var completed = new Dictionary<(string, string), long>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Key(collaboration)}"), cancellationToken: cancellationToken))
        {
            var parts = row.RowKey.Split('|');
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "a")
            {
                assigned[(parts[1], parts[2])] = row;
            }
            else if (parts[0] == "c")
            {
                completed[(parts[1], parts[2])] = row.GetInt64(CompletedColumn) ?? 0;
            }
        }

        return assigned.Keys.Union(completed.Keys).ToDictionary(
            k => k,
            k => assigned.TryGetValue(k, out var a)
                ? new DeliveryChain(k.Item1, k.Item2, a.GetInt64(AssignedColumn) ?? 0, a.GetInt64(PreviousColumn), completed.GetValueOrDefault(k), a.ETag)
                : new DeliveryChain(k.Item1, k.Item2, 0, null, completed.GetValueOrDefault(k), null));
    }

    /// <summary>
    /// Hands <paramref name="sequence"/> to each chain and answers each one's predecessor (null: nothing to wait for; a
    /// late sequence, one lower than the chain already has, waits for nothing). Idempotent: handing the same sequence
    /// again answers the same predecessor. Written in batches per collaboration partition, under the rows' ETags.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string PartnerId, string Channel), long?>> AssignAsync(
        string collaboration,
        long sequence,
        IReadOnlyCollection<(string PartnerId, string Channel)> chains,
        IReadOnlyDictionary<(string PartnerId, string Channel), DeliveryChain> known,
        CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(OrderTable, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var previous = new Dictionary<(string, string), long?>();
            var writes = new List<TableTransactionAction>();
            foreach (var chain in chains.Distinct())
            {
                var current = known.GetValueOrDefault(chain);
                if (current is null || current.AssignedETag is null || current.Assigned < sequence)
                {
                    previous[chain] = current is { Assigned: > 0 } ? current.Assigned : null;
                    var row = new TableEntity(Key(collaboration), $"a|{chain.PartnerId}|{chain.Channel}")
                    {
                        [AssignedColumn] = sequence,
                        [PreviousColumn] = previous[chain],
                    };
                    writes.Add(current?.AssignedETag is { } etag
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
                        : new TableTransactionAction(TableTransactionActionType.Add, row));
                }
                else
                {
                    previous[chain] = current.Assigned == sequence ? current.AssignedPrevious : null;
                }
            }

            try
            {
                foreach (var batch in writes.Chunk(100))
                {
                    await table.SubmitTransactionAsync(batch, cancellationToken);
                }

                return previous;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                known = await ReadAsync(collaboration, cancellationToken);
            }
        }
    }

    /// <summary>
    /// May a chained delivery go now? Yes when its predecessor ended. Otherwise it is parked (the caller completes its
    /// queue message): the predecessor's end releases it.
    /// </summary>
    public async Task<bool> EnterAsync(WebhookDeliveryMessage message, CancellationToken cancellationToken)
    {
        if (!message.IsChained || message.Previous is not ({ } previous and > 0))
        {
            return true;
        }

        var table = await storage.TableAsync(OrderTable, cancellationToken);
        var completedRow = CompletedRow(message);
        var row = await table.FindAsync<TableEntity>(Key(message.Collaboration!), completedRow, cancellationToken);
        if ((row?.GetInt64(CompletedColumn) ?? 0) >= previous)
        {
            return true;
        }

        var held = await storage.TableAsync(HeldTable, cancellationToken);
        var heldRow = new TableEntity(Key(message.Collaboration!), HeldRow(message, previous))
        {
            ["Message"] = message.ToJson(),
            ["Previous"] = previous,
            ["HeldAt"] = time.GetUtcNow(),
        };
        await held.UpsertEntityAsync(heldRow, TableUpdateMode.Replace, cancellationToken);

        // Under the chain row's ETag: either the predecessor's end sees this wait, or this sees the predecessor's end.
        var go = await table.ChangeAsync(
            Key(message.Collaboration!),
            completedRow,
            existing =>
            {
                if ((existing?.GetInt64(CompletedColumn) ?? 0) >= previous)
                {
                    return TableChange<bool>.Keep(true);
                }

                var waiting = Waiting(existing);
                if (!waiting.Add(previous))
                {
                    return TableChange<bool>.Keep(false);
                }

                return TableChange<bool>.Write(ChainRow(message.Collaboration!, completedRow, existing?.GetInt64(CompletedColumn) ?? 0, waiting), false);
            },
            cancellationToken,
            row);
        if (go)
        {
            await DeleteHeldAsync(held, heldRow.PartitionKey, heldRow.RowKey, ETag.All, cancellationToken);
            return true;
        }

        logger.LogInformation("Delivery of {UpdateId} to {PartnerId} over {Channel} waits for sequence {Previous} of its collaboration", message.UpdateId, message.PartnerId, message.ChannelType, previous);
        return false;
    }

    /// <summary>A chained delivery ended (delivered or dead-lettered): its chain moves on and what waited for it is released.</summary>
    public async Task CompleteAsync(WebhookDeliveryMessage message, CancellationToken cancellationToken)
    {
        if (!message.IsChained)
        {
            return;
        }

        var sequence = message.Sequence!.Value;
        var table = await storage.TableAsync(OrderTable, cancellationToken);
        var completedRow = CompletedRow(message);
        var released = await table.ChangeAsync(
            Key(message.Collaboration!),
            completedRow,
            existing =>
            {
                var completed = Math.Max(existing?.GetInt64(CompletedColumn) ?? 0, sequence);
                var waiting = Waiting(existing);
                var free = waiting.Where(w => w <= completed).ToArray();
                if (existing is not null && completed == (existing.GetInt64(CompletedColumn) ?? 0) && free.Length == 0)
                {
                    return TableChange<long[]>.Keep([]);
                }

                waiting.ExceptWith(free);
                return TableChange<long[]>.Write(ChainRow(message.Collaboration!, completedRow, completed, waiting), free);
            },
            cancellationToken);

        foreach (var previous in released)
        {
            await ReleaseAsync(message.Collaboration!, $"{message.PartnerId}|{message.ChannelType}|{previous:D19}|", keepOrder: true, cancellationToken);
        }
    }

    /// <summary>
    /// For the sweep: releases held deliveries whose predecessor ended without releasing them, and those held longer than
    /// <see cref="FanoutOptions.ChainPatience"/> (their predecessor is lost; they go ahead without it).
    /// </summary>
    public async Task<int> ReleaseOverdueAsync(CancellationToken cancellationToken)
    {
        var held = await storage.TableAsync(HeldTable, cancellationToken);
        var table = await storage.TableAsync(OrderTable, cancellationToken);
        var now = time.GetUtcNow();
        var released = 0;
        await foreach (var row in held.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (WebhookDeliveryMessage.Parse(row.GetString("Message") ?? string.Empty) is not { } message)
            {
                continue;
            }

            var completed = (await table.FindAsync<TableEntity>(row.PartitionKey, CompletedRow(message), cancellationToken))?.GetInt64(CompletedColumn) ?? 0;
            var tooLong = now - (row.GetDateTimeOffset("HeldAt") ?? now) > options.Value.ChainPatience;
            if (completed >= (row.GetInt64("Previous") ?? 0) || tooLong)
            {
                if (tooLong)
                {
                    logger.LogWarning("Delivery of {UpdateId} to {PartnerId} over {Channel} goes ahead without its predecessor", message.UpdateId, message.PartnerId, message.ChannelType);
                    message = message with { Previous = null };
                }

                await SendAsync(message, cancellationToken);
                await DeleteHeldAsync(held, row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                released++;
            }
        }

        return released;
    }

    private async Task ReleaseAsync(string collaboration, string prefix, bool keepOrder, CancellationToken cancellationToken)
    {
        var held = await storage.TableAsync(HeldTable, cancellationToken);
        var partition = Key(collaboration);
        await foreach (var row in held.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix + "~"}"),
                           cancellationToken: cancellationToken))
        {
            if (WebhookDeliveryMessage.Parse(row.GetString("Message") ?? string.Empty) is { } message)
            {
                await SendAsync(keepOrder ? message : message with { Previous = null }, cancellationToken);
            }

            await DeleteHeldAsync(held, row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
        }
    }

    private async Task SendAsync(WebhookDeliveryMessage message, CancellationToken cancellationToken)
    {
        var deliveries = await storage.QueueAsync(HubStorage.DeliveriesQueue, cancellationToken);
        await deliveries.SendMessageAsync(message.ToJson(), cancellationToken);
    }

    private static async Task DeleteHeldAsync(TableClient held, string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await held.DeleteEntityAsync(partitionKey, rowKey, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound() || e.IsPreconditionFailed())
        {
        }
    }

    private static HashSet<long> Waiting(TableEntity? row) =>
        (row?.GetString(WaitingColumn) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(w => long.Parse(w, CultureInfo.InvariantCulture)).ToHashSet();

    private static TableEntity ChainRow(string collaboration, string rowKey, long completed, HashSet<long> waiting) => new(Key(collaboration), rowKey)
    {
        [CompletedColumn] = completed,
        [WaitingColumn] = string.Join(',', waiting.Order()),
    };

    private static string CompletedRow(WebhookDeliveryMessage message) => $"c|{message.PartnerId}|{message.ChannelType}";

    private static string HeldRow(WebhookDeliveryMessage message, long previous) =>
        $"{message.PartnerId}|{message.ChannelType}|{previous:D19}|{message.UpdateId}|{new DeliveryTarget(message.PartnerId, message.ChannelType, message.Url).Token}";

    /// <summary>A table key from a slug; anything a key may not hold is escaped.</summary>
    internal static string Key(string value)
    {
        if (value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return value;
        }

        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            text.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' ? ((char)b).ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

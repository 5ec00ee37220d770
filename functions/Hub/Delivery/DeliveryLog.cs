using System.Text.Json;
using Azure.Data.Tables;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Storage;

namespace Mellanrum.Hub.Delivery;

/// <summary>One attempt to deliver an update to a partner over a channel.</summary>
public sealed record DeliveryAttempt(
    string PartnerId,
    string UpdateId,
    string Channel,
    int Attempt,
    string Status,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    DateTimeOffset At);

/// <summary>A delivery given up on: kept, visible and replayable.</summary>
public sealed record DeadLetter(string PartnerId, string UpdateId, string Channel, int Attempts, string Reason, DateTimeOffset At);

/// <summary>
/// The delivery log per partner (PartitionKey = partner id, RowKey = inverted time + update + channel + attempt, so a
/// partner's newest attempts read first) and its dead letters (a second row kind in the same partition).
/// Writes are grouped by partner into batch transactions.
/// </summary>
public sealed class DeliveryLog(HubStorage storage)
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Retrying = "retrying";
    public const string DeadLettered = "dead-lettered";

    public async Task RecordAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        foreach (var partner in attempts.GroupBy(a => a.PartnerId))
        {
            foreach (var chunk in partner.Chunk(100))
            {
                var actions = chunk.Select(a => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(a)));
                if (chunk.Length == 1)
                {
                    await table.UpsertEntityAsync(ToEntity(chunk[0]), TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                }
            }
        }
    }

    public async Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(letter.PartnerId, $"dead-{letter.UpdateId}-{letter.Channel}")
            {
                ["Kind"] = "dead-letter",
                ["UpdateId"] = letter.UpdateId,
                ["Channel"] = letter.Channel,
                ["Attempts"] = letter.Attempts,
                ["Reason"] = letter.Reason,
                ["At"] = letter.At,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public async Task RemoveDeadLetterAsync(string partnerId, string updateId, string channel, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        await table.DeleteEntityAsync(partnerId, $"dead-{updateId}-{channel}", cancellationToken: cancellationToken);
    }

    public async Task<(IReadOnlyList<DeliveryAttempt> Attempts, IReadOnlyList<DeadLetter> DeadLetters)> ListAsync(string partnerId, int limit, int offset, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        var skipped = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partnerId && e.RowKey.CompareTo("a") < 0, cancellationToken: cancellationToken))
        {
            if (skipped++ < offset)
            {
                continue;
            }

            attempts.Add(new DeliveryAttempt(
                partnerId,
                e.GetString("UpdateId"),
                e.GetString("Channel"),
                e.GetInt32("Attempt") ?? 1,
                e.GetString("Status"),
                e.GetInt32("StatusCode"),
                e.GetDouble("LatencyMs") ?? 0,
                e.GetString("Error"),
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue));
            if (attempts.Count == limit)
            {
                break;
            }
        }

        var dead = new List<DeadLetter>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partnerId && e.RowKey.CompareTo("dead-") >= 0 && e.RowKey.CompareTo("dead.") < 0, cancellationToken: cancellationToken))
        {
            dead.Add(new DeadLetter(partnerId, e.GetString("UpdateId"), e.GetString("Channel"), e.GetInt32("Attempts") ?? 0, e.GetString("Reason"), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue));
        }

        return (attempts, dead.OrderByDescending(d => d.At).ToArray());
    }

    private static TableEntity ToEntity(DeliveryAttempt a) => new(a.PartnerId, $"{ReverseChronological.Key(a.At)}-{a.UpdateId}-{a.Channel}-{a.Attempt:D2}")
    {
        ["UpdateId"] = a.UpdateId,
        ["Channel"] = a.Channel,
        ["Attempt"] = a.Attempt,
        ["Status"] = a.Status,
        ["StatusCode"] = a.StatusCode,
        ["LatencyMs"] = Math.Round(a.LatencyMs, 1),
        ["Error"] = a.Error,
        ["At"] = a.At,
    };
}

/// <summary>The <c>deliveries</c> queue message: one webhook delivery, with the event it carries.</summary>
public sealed record WebhookDeliveryMessage(string PartnerId, string UpdateId, string Url, int Attempt, string Body, DateTimeOffset FirstAttemptAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, HubJson.Options);

    public static WebhookDeliveryMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<WebhookDeliveryMessage>(text, HubJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

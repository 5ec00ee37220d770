using System.Buffers.Text;
using System.Text;
using Azure.Data.Tables;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Portal;

/// <summary>How one of a partner's channels is doing: its last success, its failures in the last 24 hours, its circuit.</summary>
public sealed record ChannelHealth(PartnerChannel Channel, DateTimeOffset? LastSuccess, int FailuresIn24Hours, int DeadLetters, string Circuit)
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string Disabled = "disabled";
}

/// <summary>What the deliveries page asks for: channel, outcome, update id, a time range, and where the page starts.</summary>
public sealed record DeliveryFilter(string? Channel = null, string? Status = null, string? UpdateId = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Cursor = null, int Limit = 25);

/// <summary>One page of attempts, newest first; <see cref="NextCursor"/> continues it.</summary>
public sealed record AttemptPage(IReadOnlyList<DeliveryAttempt> Items, string? NextCursor);

/// <summary>
/// A partner's delivery log read for its partner page: the health of each channel and the attempts filtered and paged by
/// cursor (the row key of the last attempt shown, so a page never shifts when new attempts arrive).
/// </summary>
public sealed class PartnerActivity(HubStorage storage, DeliveryLog log, TimeProvider time)
{
    /// <summary>Most rows read for one page or one overview (a bound on the cost of a narrow filter).</summary>
    public const int MaxScanned = 5000;

    public async Task<IReadOnlyList<ChannelHealth>> HealthAsync(Partner partner, CancellationToken cancellationToken)
    {
        await log.FlushAsync(cancellationToken);
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        var since = time.GetUtcNow().AddHours(-24);
        var lastSuccess = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var latestError = new Dictionary<string, string?>(StringComparer.Ordinal);
        var scanned = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partner.Id} and RowKey lt {"a"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var channel = row.GetString("Channel") ?? string.Empty;
            var status = row.GetString("Status");
            var at = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue;
            latestError.TryAdd(channel, status == DeliveryLog.Delivered ? null : row.GetString("Error"));
            if (status == DeliveryLog.Delivered)
            {
                lastSuccess.TryAdd(channel, at);
            }
            else if (at >= since && status != FanoutService.Queued)
            {
                failures[channel] = failures.GetValueOrDefault(channel) + 1;
            }

            if (++scanned >= MaxScanned || (at < since && partner.Channels.All(c => lastSuccess.ContainsKey(c.Type))))
            {
                break;
            }
        }

        var deadLetters = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partner.Id && e.RowKey.CompareTo("dead-") >= 0 && e.RowKey.CompareTo("dead.") < 0, select: ["Channel"], cancellationToken: cancellationToken))
        {
            var channel = row.GetString("Channel") ?? string.Empty;
            deadLetters[channel] = deadLetters.GetValueOrDefault(channel) + 1;
        }

        return partner.Channels.Select(c => new ChannelHealth(
            c,
            lastSuccess.TryGetValue(c.Type, out var success) ? success : null,
            failures.GetValueOrDefault(c.Type),
            deadLetters.GetValueOrDefault(c.Type),
            c.Type == PartnerChannel.Webhook && partner.DisabledWebhooks?.Contains(c.Url!) == true ? ChannelHealth.Disabled
            : latestError.GetValueOrDefault(c.Type)?.Contains("circuit is open", StringComparison.Ordinal) == true ? ChannelHealth.Open
            : ChannelHealth.Closed)).ToArray();
    }

    public async Task<AttemptPage> AttemptsAsync(string partnerId, DeliveryFilter filter, CancellationToken cancellationToken)
    {
        await log.FlushAsync(cancellationToken);
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        var lower = filter.To is { } to ? ReverseChronological.Key(to) : string.Empty;
        var upper = filter.From is { } from ? ReverseChronological.Key(from) + "~" : "a";
        if (Decode(filter.Cursor) is { } after && string.CompareOrdinal(after, lower) > 0)
        {
            lower = after;
        }

        var query = TableClient.CreateQueryFilter($"PartitionKey eq {partnerId} and RowKey gt {lower} and RowKey lt {upper}");
        var items = new List<DeliveryAttempt>(filter.Limit);
        var scanned = 0;
        string? last = null;
        string? lastShown = null;
        await foreach (var e in table.QueryAsync<TableEntity>(query, cancellationToken: cancellationToken))
        {
            last = e.RowKey;
            var attempt = new DeliveryAttempt(
                partnerId,
                e.GetString("UpdateId"),
                e.GetString("Channel"),
                e.GetInt32("Attempt") ?? 1,
                e.GetString("Status"),
                e.GetInt32("StatusCode"),
                e.GetDouble("LatencyMs") ?? 0,
                e.GetString("Error"),
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
            if ((filter.Channel is null || attempt.Channel == filter.Channel)
                && (filter.Status is null || attempt.Status == filter.Status)
                && (filter.UpdateId is null || attempt.UpdateId == filter.UpdateId))
            {
                if (items.Count == filter.Limit)
                {
                    return new AttemptPage(items, Encode(lastShown));
                }

                items.Add(attempt);
                lastShown = e.RowKey;
            }

            if (++scanned >= MaxScanned)
            {
                return new AttemptPage(items, Encode(items.Count == filter.Limit ? lastShown : last));
            }
        }

        return new AttemptPage(items, null);
    }

    /// <summary>A partner's dead letters, newest first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string partnerId, CancellationToken cancellationToken)
    {
        var (_, dead) = await log.ListAsync(partnerId, 1, 0, cancellationToken);
        return dead;
    }

    private static string? Encode(string? rowKey) => rowKey is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rowKey));

    private static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 300)
        {
            return null;
        }

        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length > 19 && key[..19].All(char.IsAsciiDigit) ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The delivery log per partner (PartitionKey = partner id, RowKey = inverted time + update + channel + attempt, so a
/// partner's newest attempts read first) and its dead letters (a second row kind in the same partition).
/// Writes are grouped by partner into batch transactions.
/// <para>
/// The fan-out's attempts (five or more writes per update otherwise) go through <see cref="Append"/>: an in-process buffer
/// written every <see cref="FlushInterval"/> as one batch transaction per partner partition, and on shutdown
/// (<see cref="DeliveryLogFlusher"/>). The log may therefore lose the last fraction of a second of attempts on a crash;
/// deliveries are not affected (what was delivered is recorded on the update itself, before its fan-out counts as done).
/// Reads in this process (<see cref="ListAsync"/>) write the buffer first.
/// </para>
/// </summary>
public sealed class DeliveryLog(HubStorage storage, ILogger<DeliveryLog> logger) : IAsyncDisposable
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Retrying = "retrying";
    public const string DeadLettered = "dead-lettered";

    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Beyond this many unwritten attempts (storage down for a long while), the oldest are dropped from the buffer.</summary>
    private const int MaxBuffered = 50_000;

    private readonly ConcurrentQueue<DeliveryAttempt> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _scheduled;

    /// <summary>Writes attempts now (grouped per partner into batch transactions), and counts them (<c>hub.deliveries</c>).</summary>
    public async Task RecordAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        DeliveryTelemetry.Count(attempts);
        if (attempts.Count == 0)
        {
            return;
        }

        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        await Task.WhenAll(attempts.GroupBy(a => a.PartnerId).Select(partner => WritePartnerAsync(table, partner.ToArray(), cancellationToken)));
    }

    /// <summary>
    /// Buffers attempts to be written within <see cref="FlushInterval"/> (see the class remarks for what a crash may lose),
    /// and counts them (<c>hub.deliveries</c>) once, whenever they are written.
    /// </summary>
    public void Append(IReadOnlyList<DeliveryAttempt> attempts)
    {
        DeliveryTelemetry.Count(attempts);
        Buffer(attempts);
    }

    private void Buffer(IReadOnlyList<DeliveryAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            _pending.Enqueue(attempt);
        }

        while (_pending.Count > MaxBuffered && _pending.TryDequeue(out _))
        {
        }

        if (attempts.Count > 0 && Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = FlushLaterAsync();
        }
    }

    /// <summary>Writes every buffered attempt: one batch transaction per partner partition (100 rows at most each).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<DeliveryAttempt>();
            while (_pending.TryDequeue(out var attempt))
            {
                batch.Add(attempt);
            }

            if (batch.Count == 0)
            {
                return;
            }

            var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
            var failed = await Task.WhenAll(batch.GroupBy(a => a.PartnerId).Select(async partner =>
            {
                var rows = partner.ToArray();
                try
                {
                    await WritePartnerAsync(table, rows, cancellationToken);
                    return [];
                }
                catch (Exception e) when (e is Azure.RequestFailedException or TableTransactionFailedException or HttpRequestException)
                {
                    logger.LogWarning("Could not write {Count} delivery log row(s) of partner {PartnerId} ({Error}); trying again", rows.Length, partner.Key, e.GetType().Name);
                    return rows;
                }
            }));

            var again = failed.SelectMany(f => f).ToArray();
            if (again.Length > 0)
            {
                Buffer(again);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or Azure.RequestFailedException or HttpRequestException)
        {
            logger.LogWarning("Could not write the delivery log's last {Count} row(s) on shutdown ({Error})", _pending.Count, e.GetType().Name);
        }

        _flushing.Dispose();
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(FlushInterval);
        Volatile.Write(ref _scheduled, 0);
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or ObjectDisposedException)
        {
            logger.LogWarning("Writing the delivery log failed ({Error})", e.GetType().Name);
        }
    }

    private static async Task WritePartnerAsync(TableClient table, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        foreach (var chunk in attempts.Select(ToEntity).DistinctBy(e => e.RowKey).Chunk(100))
        {
            if (chunk.Length == 1)
            {
                await table.UpsertEntityAsync(chunk[0], TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
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
        HubMetrics.DeadLetter(letter.Channel);
    }

    public async Task RemoveDeadLetterAsync(string partnerId, string updateId, string channel, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        await table.DeleteEntityAsync(partnerId, $"dead-{updateId}-{channel}", cancellationToken: cancellationToken);
    }

    /// <summary>Deletes delivery attempts made before <paramref name="before"/> (the retention sweep), in every partner's log; returns how many.</summary>
    public async Task<int> SweepAttemptsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);

        // Attempt keys start with inverted ticks (older attempts have larger keys) and sort before "a"; dead letters after.
        return await TableSweep.DeleteAsync(table, TableClient.CreateQueryFilter($"RowKey gt {ReverseChronological.Key(before)} and RowKey lt {"a"}"), cancellationToken);
    }

    /// <summary>Deletes dead letters given up before <paramref name="before"/> (the retention sweep); returns how many.</summary>
    public async Task<int> SweepDeadLettersAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.DeliveriesTable, cancellationToken);
        return await TableSweep.DeleteAsync(table, TableClient.CreateQueryFilter($"RowKey ge {"dead-"} and RowKey lt {"dead."} and At lt {before}"), cancellationToken);
    }

    public async Task<(IReadOnlyList<DeliveryAttempt> Attempts, IReadOnlyList<DeadLetter> DeadLetters)> ListAsync(string partnerId, int limit, int offset, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
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

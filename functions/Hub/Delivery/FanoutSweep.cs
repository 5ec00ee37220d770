using Mellanrum.Hub.Collaborations;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>What one sweep did: fan-outs asked for again, rows that failed (logged, left for the next sweep), held deliveries released.</summary>
public sealed record FanoutSweepResult(int Requeued, int Failed, int Released = 0);

/// <summary>
/// Finds updates whose fan-out is overdue (their outbox row is past due) and asks for it again, so a crash between
/// storing and queueing, or a lost <c>fanout</c> message, loses nothing. Runs on a timer every few minutes. Each row is
/// handled on its own: a row that fails (an unreadable update, a storage error) is logged and counted and the sweep goes
/// on with the next one; it stays in the outbox for the next sweep.
/// </summary>
public sealed class FanoutSweep(FanoutLedger ledger, UpdateRecorder recorder, DeliveryOrder order, TimeProvider time, ILogger<FanoutSweep> logger)
{
    /// <summary>An outbox row without an update this long after it was written belongs to an insert that never happened.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    public async Task<FanoutSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var requeued = 0;
        var failed = 0;
        await foreach (var overdue in ledger.OverdueAsync(cancellationToken))
        {
            try
            {
                requeued += await SweepRowAsync(overdue, now, cancellationToken) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed++;
                logger.LogError("Sweep could not handle the overdue fan-out of {UpdateId} ({Error}); it stays for the next sweep", overdue.UpdateId, e.GetType().Name);
            }
        }

        var released = 0;
        try
        {
            released = await order.ReleaseOverdueAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failed++;
            logger.LogError("Sweep could not look at held deliveries ({Error})", e.GetType().Name);
        }

        if (requeued > 0 || failed > 0 || released > 0)
        {
            logger.LogWarning("Sweep queued the overdue fan-out of {Count} update(s) again, released {Released} held deliveries; {Failed} row(s) failed", requeued, released, failed);
        }

        return new FanoutSweepResult(requeued, failed, released);
    }

    private async Task<bool> SweepRowAsync(OverdueFanout overdue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await ledger.ReadAsync(overdue.UpdateId, cancellationToken);
        if (record is null)
        {
            // The insert never happened (the process died before it): nothing was acknowledged, nothing is owed.
            if (now - overdue.WrittenAt > AbandonedAfter)
            {
                await ledger.DiscardAsync(overdue, cancellationToken);
            }

            return false;
        }

        if (record.Done)
        {
            await ledger.DiscardAsync(overdue, cancellationToken);
            return false;
        }

        await ledger.PostponeAsync(overdue, cancellationToken);
        if ((await recorder.RecordAsync(record.Update, record.Sequence, unread: false, cancellationToken)).Refused is not null)
        {
            // Its sender is not a member: the update is not kept (it was never answered with a 2xx).
            await ledger.CloseAsync(record.Update.Id, cancellationToken);
            return false;
        }

        // The fan-out continues the update's own trace (kept on the outbox row and the update), not the sweep's.
        await ledger.RequestAsync(record.Update.Id, cancellationToken, overdue.Trace.Or(record.Trace));
        return true;
    }
}

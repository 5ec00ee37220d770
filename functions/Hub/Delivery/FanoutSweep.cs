using Mellanrum.Hub.Collaborations;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Finds updates whose fan-out is overdue (their outbox row is past due) and asks for it again, so a crash between
/// storing and queueing, or a lost <c>fanout</c> message, loses nothing. Runs on a timer every few minutes.
/// </summary>
public sealed class FanoutSweep(FanoutLedger ledger, UpdateRecorder recorder, TimeProvider time, ILogger<FanoutSweep> logger)
{
    /// <summary>An outbox row without an update this long after it was written belongs to an insert that never happened.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var requeued = 0;
        await foreach (var overdue in ledger.OverdueAsync(cancellationToken))
        {
            var record = await ledger.ReadAsync(overdue.UpdateId, cancellationToken);
            if (record is null)
            {
                // The insert never happened (the process died before it): nothing was acknowledged, nothing is owed.
                if (now - overdue.WrittenAt > AbandonedAfter)
                {
                    await ledger.DiscardAsync(overdue, cancellationToken);
                }

                continue;
            }

            if (record.Done)
            {
                await ledger.DiscardAsync(overdue, cancellationToken);
                continue;
            }

            await ledger.PostponeAsync(overdue, cancellationToken);
            if ((await recorder.RecordAsync(record.Update, record.Sequence, unread: false, cancellationToken)).Refused is not null)
            {
                // Its sender is not a member: the update is not kept (it was never answered with a 2xx).
                await ledger.CloseAsync(record.Update.Id, cancellationToken);
                continue;
            }

            await ledger.RequestAsync(record.Update.Id, cancellationToken);
            requeued++;
        }

        if (requeued > 0)
        {
            logger.LogWarning("Sweep queued the overdue fan-out of {Count} update(s) again", requeued);
        }

        return requeued;
    }
}

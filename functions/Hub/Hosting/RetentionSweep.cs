using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Hosting;

/// <summary>What one retention sweep deleted, per kind (null: that kind is kept forever), and the kinds that failed.</summary>
public sealed record RetentionSweepResult(IReadOnlyDictionary<string, int?> Deleted, IReadOnlyList<string> Failed);

/// <summary>
/// The nightly retention sweep (<c>SweepRetention</c>): per kind, what is older than its <see cref="RetentionOptions"/>
/// days is deleted: delivery attempts, dead letters, rejections, the audit log (kept forever unless set) and the
/// <c>webhook-id</c>s that make a repeated signed request a duplicate. Updates and the digest ledger are never swept.
/// Each kind on its own: one that fails is logged and the others still go.
/// </summary>
public sealed class RetentionSweep(
    DeliveryLog deliveries,
    RejectionStore rejections,
    AuditLog audit,
    ReplayGuard webhookIds,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweep> logger)
{
    public const string DeliveryLog = "delivery log";
    public const string DeadLetters = "dead letters";
    public const string Rejections = "rejections";
    public const string Audit = "audit log";
    public const string WebhookIds = "webhook-ids";

    public async Task<RetentionSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value;
        var now = time.GetUtcNow();
        var deleted = new Dictionary<string, int?>(StringComparer.Ordinal);
        var failed = new List<string>();
        var kinds = new (string Kind, int Days, Func<DateTimeOffset, CancellationToken, Task<int>> Sweep)[]
        {
            (DeliveryLog, retention.DeliveryLogDays, deliveries.SweepAttemptsAsync),
            (DeadLetters, retention.DeadLetterDays, deliveries.SweepDeadLettersAsync),
            (Rejections, retention.RejectionDays, rejections.SweepAsync),
            (Audit, retention.AuditDays, audit.SweepAsync),
            (WebhookIds, retention.WebhookIdDays, webhookIds.SweepAsync),
        };
        foreach (var (kind, days, sweep) in kinds)
        {
            if (RetentionOptions.Cutoff(days, now) is not { } before)
            {
                deleted[kind] = null;
                continue;
            }

            try
            {
                var count = await sweep(before, cancellationToken);
                deleted[kind] = count;
                if (count > 0)
                {
                    logger.LogInformation("Retention: deleted {Count} {Kind} row(s) older than {Days} days", count, kind, days);
                }
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or InvalidOperationException)
            {
                failed.Add(kind);
                logger.LogError("Retention: sweeping the {Kind} failed ({Error}); the next sweep tries again", kind, e.GetType().Name);
            }
        }

        return new RetentionSweepResult(deleted, failed);
    }
}

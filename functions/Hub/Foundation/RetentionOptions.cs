using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// The <c>Hub:Retention</c> section: how many days each kind of record is kept before the nightly sweep deletes it
/// (<c>SweepRetention</c>); 0 keeps that kind forever. Updates are not here: they are kept forever (Swedish public
/// records are not deleted without a decision), and so is the digest ledger, which keeps an email from going twice.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Hub:Retention";

    /// <summary>Delivery attempts in a partner's delivery log (<c>GET /admin/partners/{id}/deliveries</c>, <c>items</c>).</summary>
    [Range(0, 36500)]
    public int DeliveryLogDays { get; set; } = 90;

    /// <summary>Dead letters (the same read's <c>deadLetters</c>), by when the delivery was given up; replay one to keep it from the sweep.</summary>
    [Range(0, 36500)]
    public int DeadLetterDays { get; set; } = 365;

    /// <summary>Rejected payloads with their raw bodies (<c>GET /sources/{id}/rejections</c>).</summary>
    [Range(0, 36500)]
    public int RejectionDays { get; set; } = 90;

    /// <summary>The audit log of administrative acts (<c>GET /admin/audit</c>); kept forever by default.</summary>
    [Range(0, 36500)]
    public int AuditDays { get; set; }

    /// <summary>
    /// The idempotency keys of signed requests: each source's <c>webhook-id</c>s, by which a repeated request answers 200
    /// duplicate. At least a day, far beyond the five-minute timestamp window a replay must fall within. (An update's own
    /// <c>externalId</c> is kept with the update, forever.)
    /// </summary>
    [Range(1, 36500)]
    public int WebhookIdDays { get; set; } = 2;

    /// <summary>What was written before this is swept; null when <paramref name="days"/> is 0 (kept forever).</summary>
    public static DateTimeOffset? Cutoff(int days, DateTimeOffset now) => days <= 0 ? null : now.AddDays(-days);
}

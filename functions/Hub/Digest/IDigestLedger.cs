namespace Mellanrum.Hub.Digest;

/// <summary>
/// Remembers which digests were sent, so that no recipient ever gets two emails for one month.
/// A claim is durable and unique per (partner, recipient, month): only one caller's <see cref="TryBeginAsync"/>
/// ever returns true for it (an insert that fails on conflict, e.g. a Table Storage <c>AddEntity</c>).
/// Keys should hold a hash of the recipient address, not the address itself.
/// </summary>
public interface IDigestLedger
{
    /// <summary>Claims the email; false when a claim exists already (sent, or possibly sent before a crash).</summary>
    Task<bool> TryBeginAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken);

    /// <summary>Records that the SMTP server accepted the email.</summary>
    Task MarkSentAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken);

    /// <summary>Drops a claim whose email is known not to have left (the server refused it or was unreachable).</summary>
    Task ReleaseAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken);

    /// <summary>The latest month the timer started a run of (null before the first).</summary>
    Task<DigestMonth?> LastCompletedMonthAsync(CancellationToken cancellationToken);

    /// <summary>Records that a month's run was started by the timer (it is not started again by a later firing).</summary>
    Task MarkMonthCompletedAsync(DigestMonth month, CancellationToken cancellationToken);

    /// <summary>Each month that has claims, and when its first email was claimed (a month sent before cutoffs existed takes it as its cutoff).</summary>
    Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> FirstSendsAsync(CancellationToken cancellationToken);
}

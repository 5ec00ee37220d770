using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// What the digest reads from storage (implemented by the lead's stores). The runner reads each of these
/// once per month: the month's updates, the collaboration catalogue and the partners, all streamed.
/// </summary>
public interface IDigestSource
{
    /// <summary>Updates received in [<paramref name="from"/>, <paramref name="to"/>), in any order.</summary>
    IAsyncEnumerable<NormalisedUpdate> UpdatesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Every collaboration the hub knows (title, area, participants, first and last activity).</summary>
    IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken);

    /// <summary>Every registered partner; those without digest recipients are skipped by the runner.</summary>
    IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken);
}

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

    /// <summary>The latest month whose run completed (null before the first).</summary>
    Task<DigestMonth?> LastCompletedMonthAsync(CancellationToken cancellationToken);

    /// <summary>Records that a month's run completed with nothing left to retry.</summary>
    Task MarkMonthCompletedAsync(DigestMonth month, CancellationToken cancellationToken);
}

using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// What the digest reads from storage: the month index of updates (by the month they occurred in) and its cutoffs,
/// the collaboration catalogue and the partners, all streamed.
/// </summary>
public interface IDigestSource
{
    /// <summary>The rows of the updates that occurred in <paramref name="month"/>, in the order they occurred (then received, then id).</summary>
    IAsyncEnumerable<MonthIndexRow> MonthAsync(DigestMonth month, CancellationToken cancellationToken);

    /// <summary>The updates that occurred in <paramref name="month"/> and were stored after its cutoff.</summary>
    IAsyncEnumerable<MonthIndexRow> LateAsync(DigestMonth month, CancellationToken cancellationToken);

    /// <summary>The cutoffs set for the months from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> CutoffsAsync(DigestMonth from, DigestMonth to, CancellationToken cancellationToken);

    /// <summary>Sets a month's cutoff unless it has one; answers the one that stands.</summary>
    Task<DateTimeOffset> SealAsync(DigestMonth month, DateTimeOffset cutoff, string reason, CancellationToken cancellationToken);

    /// <summary>Whether the updates stored before the month index existed were carried over into it.</summary>
    Task<bool> IsCarriedOverAsync(CancellationToken cancellationToken);

    /// <summary>Carries them over (once; the cutoffs of months already sent must be set first).</summary>
    Task CarryOverAsync(CancellationToken cancellationToken);

    /// <summary>Every collaboration the hub knows (name, area, members, public, first and last activity).</summary>
    IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken);

    /// <summary>Every registered partner; those without digest recipients are skipped by the runner.</summary>
    IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken);

    Task<Partner?> PartnerAsync(string partnerId, CancellationToken cancellationToken);
}

using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest.Storage;

/// <summary>
/// The digest's reads from the hub's tables, all streamed: a month's updates from <c>UpdatesByMonth</c>
/// (<see cref="UpdateMonthIndex"/>: one key range, a collaboration at a time), the <c>Collaborations</c> table, and the
/// <c>Partners</c> partition straight from storage (not the routing cache, so a partner registered a second ago is included).
/// </summary>
public sealed class TableDigestSource(UpdateStore updates, CollaborationStore collaborations, PartnerStore partners) : IDigestSource
{
    public IAsyncEnumerable<MonthIndexRow> MonthAsync(DigestMonth month, CancellationToken cancellationToken) =>
        updates.Months.ReadMonthAsync(month.ToString(), cancellationToken);

    public IAsyncEnumerable<MonthIndexRow> LateAsync(DigestMonth month, CancellationToken cancellationToken) =>
        updates.Months.ReadLateAsync(month.ToString(), cancellationToken);

    public async Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> CutoffsAsync(DigestMonth from, DigestMonth to, CancellationToken cancellationToken) =>
        (await updates.Months.CutoffsAsync(from.ToString(), to.ToString(), cancellationToken)).ToDictionary(c => DigestMonth.Parse(c.Key), c => c.Value);

    public Task<DateTimeOffset> SealAsync(DigestMonth month, DateTimeOffset cutoff, string reason, CancellationToken cancellationToken) =>
        updates.Months.SealAsync(month.ToString(), cutoff, reason, cancellationToken);

    public Task<bool> IsCarriedOverAsync(CancellationToken cancellationToken) => updates.Months.IsCarriedOverAsync(cancellationToken);

    public Task CarryOverAsync(CancellationToken cancellationToken) => updates.Months.CarryOverDayIndexAsync(cancellationToken);

    public IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken) =>
        collaborations.AllAsync(cancellationToken);

    public IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken) =>
        partners.StreamAsync(cancellationToken);

    public Task<Partner?> PartnerAsync(string partnerId, CancellationToken cancellationToken) => partners.GetAsync(partnerId, cancellationToken);
}

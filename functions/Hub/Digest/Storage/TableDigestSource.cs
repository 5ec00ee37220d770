using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest.Storage;

/// <summary>
/// The digest's reads from the hub's tables, all streamed: a month's updates one <c>UpdatesByDay</c> partition
/// (UTC day) at a time, the <c>Collaborations</c> table, and the <c>Partners</c> partition straight from storage
/// (not the routing cache, so a partner registered a second ago is included).
/// </summary>
public sealed class TableDigestSource(UpdateStore updates, CollaborationStore collaborations, PartnerStore partners) : IDigestSource
{
    public IAsyncEnumerable<NormalisedUpdate> UpdatesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        updates.ReceivedBetweenAsync(from, to, cancellationToken);

    public IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken) =>
        collaborations.AllAsync(cancellationToken);

    public IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken) =>
        partners.StreamAsync(cancellationToken);
}

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

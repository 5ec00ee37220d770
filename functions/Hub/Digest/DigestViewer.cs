using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Digest;

/// <summary>One partner's digest for a month as <c>GET /api/v1/partners/{partnerId}/digests/{yyyy-MM}</c> shows it.</summary>
public sealed class DigestViewer(DigestMonths months, DigestComposer composer, DigestRenderer renderer)
{
    /// <summary>
    /// The rendered digest, or null for an empty month: the month's shared index once it was composed, before that the
    /// month as it would be composed now (the same cutoff rule).
    /// </summary>
    public async Task<RenderedDigest?> RenderAsync(Partner partner, DigestMonth month, CancellationToken cancellationToken)
    {
        var index = await months.PreviewAsync(month, cancellationToken);
        return composer.Compose(index, partner) is { } digest ? renderer.Render(digest) : null;
    }
}

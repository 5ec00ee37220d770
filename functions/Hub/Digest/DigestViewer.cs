using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Digest;

/// <summary>One partner's digest for a month as <c>GET /api/v1/partners/{partnerId}/digests/{yyyy-MM}</c> shows it.</summary>
public sealed class DigestViewer(IDigestSource source, DigestComposer composer, DigestRenderer renderer)
{
    /// <summary>The rendered digest, or null for an empty month.</summary>
    public async Task<RenderedDigest?> RenderAsync(Partner partner, DigestMonth month, CancellationToken cancellationToken)
    {
        var index = await DigestMonthIndex.BuildAsync(source, month, cancellationToken);
        return composer.Compose(index, partner) is { } digest ? renderer.Render(digest) : null;
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Digest;

/// <summary>A partner's month, composed and rendered (both null when the month is empty for it).</summary>
public sealed record ComposedDigest(Partner Partner, PartnerDigest? Digest, RenderedDigest? Rendered);

/// <summary>
/// Composes and renders every partner's digest from one month's index as a stream: partners are read as they come,
/// composed on every core (the composer and the index are safe for it), and handed on through a small bounded channel,
/// so memory holds a few rendered digests at a time and the sender never waits for the whole month.
/// </summary>
public static class DigestPipeline
{
    public static async IAsyncEnumerable<ComposedDigest> ComposeAllAsync(
        DigestComposer composer,
        DigestRenderer renderer,
        DigestMonthIndex index,
        IAsyncEnumerable<Partner> partners,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var output = Channel.CreateBounded<ComposedDigest>(new BoundedChannelOptions(32) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stop.Token };
                    await Parallel.ForEachAsync(partners, options, async (partner, token) =>
                    {
                        if (partner.Digest is not { Recipients.Count: > 0 })
                        {
                            return;
                        }

                        var digest = composer.Compose(index, partner);
                        var rendered = digest is null ? null : renderer.Render(digest);
                        await output.Writer.WriteAsync(new ComposedDigest(partner, digest, rendered), token);
                    });
                    output.Writer.Complete();
                }
                catch (Exception e)
                {
                    output.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var composed in output.Reader.ReadAllAsync(cancellationToken))
            {
                yield return composed;
            }
        }
        finally
        {
            // The consumer stopped (done, cancelled or failed): stop composing, and let the producer finish.
            await stop.CancelAsync();
            await producer;
        }
    }
}

using System.Runtime.CompilerServices;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestMonthIndexTests
{
    [Fact]
    public async Task BuildAsync_SeededMonth_SameIndexAsBuildingInMemory()
    {
        var streamed = await DigestMonthIndex.BuildAsync(DigestSeed.Source(), DigestSeed.March, CancellationToken.None);
        var inMemory = DigestSeed.Index();

        Assert.Equal(inMemory.UpdateCount, streamed.UpdateCount);
        Assert.Equal(
            inMemory.Likeness.FindLike("e-arkiv-sodertorn", 5).Select(l => (l.DocumentId, l.SharedWords.Count)),
            streamed.Likeness.FindLike("e-arkiv-sodertorn", 5).Select(l => (l.DocumentId, l.SharedWords.Count)));
    }

    [Fact]
    public async Task BuildAsync_StorageFailsMidMonth_ThrowsTheStorageError()
    {
        var failure = await Assert.ThrowsAsync<IOException>(() => DigestMonthIndex.BuildAsync(new FailingSource(), DigestSeed.March, CancellationToken.None));

        Assert.Equal("storage went away", failure.Message);
    }

    private sealed class FailingSource : IDigestSource
    {
        public async IAsyncEnumerable<NormalisedUpdate> UpdatesAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var update in DigestSeed.Updates.Take(3))
            {
                yield return update;
            }

            await Task.Yield();
            throw new IOException("storage went away");
        }

        public IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken) => DigestSeed.Source().CollaborationsAsync(cancellationToken);

        public IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken) => DigestSeed.Source().PartnersAsync(cancellationToken);
    }
}

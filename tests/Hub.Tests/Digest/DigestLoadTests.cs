using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestLoadTests
{
    [Fact]
    public void Generate_SmallMonth_SameSeedSameMonthAndEveryPartnerComposes()
    {
        var first = DigestLoad.Generate(2_000, 60, seed: 7);
        var second = DigestLoad.Generate(2_000, 60, seed: 7);
        var composer = new DigestComposer(OrganisationRegistry.Shared);
        var index = first.Index();

        var digests = first.Partners.Select(p => composer.Compose(index, p)).ToArray();

        Assert.Equal(2_000, first.Updates.Count);
        Assert.Equal(first.Updates.Select(u => u.Title), second.Updates.Select(u => u.Title));
        Assert.Equal(2_000, index.UpdateCount);
        Assert.All(digests, Assert.NotNull);
        Assert.Contains(digests, d => d!.Suggestions.Count > 0);
    }
}

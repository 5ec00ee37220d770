using Mellanrum.Hub.Digest;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>Any source writes the texts, so the distinct words never end: the word caches stay bounded and still answer right.</summary>
public sealed class SwedishTextCacheTests
{
    [Fact]
    public void Terms_OfFarMoreDistinctWordsThanTheCacheHolds_KeepTheCachesBounded_AndStemsStayTheSame()
    {
        var before = SwedishText.Terms("Upphandlingen av e-arkivet upphandlas gemensamt");

        for (var batch = 0; batch < 30; batch++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"ordet{batch}x{i}b"));
            SwedishText.Terms(text);
        }

        var (words, stems) = SwedishText.CachedCounts;
        Assert.InRange(words, 1, SwedishText.CacheCapacity + 100);
        Assert.InRange(stems, 1, SwedishText.CacheCapacity + 100);
        Assert.Equal(before, SwedishText.Terms("Upphandlingen av e-arkivet upphandlas gemensamt"));
    }
}

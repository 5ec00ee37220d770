using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

/// <summary>Runs on its own: it fills the process-wide word cache, which the digest tests would otherwise race for.</summary>
[CollectionDefinition(nameof(SwedishTextCacheTests), DisableParallelization = true)]
public sealed class SwedishTextCacheCollection;

/// <summary>Any source writes the texts, so the distinct words never end: the word caches stay bounded and still answer right.</summary>
[Collection(nameof(SwedishTextCacheTests))]
public sealed class SwedishTextCacheTests
{
    [Fact]
    public void Terms_OfFarMoreDistinctWordsThanTheCacheHolds_KeepTheWordCacheBounded_AndAnswersStayTheSame()
    {
        var before = SwedishText.Terms("Upphandlingen av e-arkivet upphandlas gemensamt");

        // Numbers are words the cache classifies (as carrying no meaning) without stemming them: cheap to make many of.
        for (var batch = 0; batch < 11; batch++)
        {
            SwedishText.Terms(string.Join(' ', Enumerable.Range(batch * 5_000, 5_000).Select(i => (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.InRange(SwedishText.CachedCounts.Words, 1, SwedishText.CacheCapacity + 100);
        Assert.Equal(before, SwedishText.Terms("Upphandlingen av e-arkivet upphandlas gemensamt"));
    }

    [Fact]
    public void BoundedWordCache_NeverHoldsMoreThanItsCapacity_AndKeepsWhatIsInUse()
    {
        var cache = new BoundedWordCache<string>(1_000);
        cache.Add("upphandl", "upphandl");

        for (var i = 0; i < 20_000; i++)
        {
            cache.Add("ord" + i, "ord");
            Assert.True(cache.TryGetValue("upphandl", out _));
            Assert.InRange(cache.Count, 1, 1_000);
        }

        Assert.True(cache.TryGetValue("ord19999", out var last));
        Assert.Equal("ord", last);
        Assert.False(cache.TryGetValue("ord5", out _));
    }
}

using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>The soak runs alone: it measures the hub under load, and would starve the other tests of the two cores.</summary>
[CollectionDefinition(nameof(SoakTests), DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary>
/// Nothing lost, nothing doubled, under faults: 1,000 updates through Hub.Local with 10 % faults and 5 % latency of 2 s
/// in every client of the hub (<see cref="SoakRun"/>; docs/reliability.md, "Soak", has the figures and the
/// 10,000-update command).
/// </summary>
[Collection(nameof(SoakTests))]
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Soak_1000UpdatesWithFaultsAndLatencyInEveryClient_EachAcceptedUpdateStoredOnce_EveryPartnerChannelHoldsEach_FewDuplicates()
    {
        var result = await SoakRun.RunAsync(new SoakOptions { Updates = 1000 }, output.WriteLine);
        output.WriteLine(result.Report());

        // Answered: the source got a 2xx for every update (retrying a 5xx as a source does).
        Assert.Equal(1000, result.Accepted);
        // Stored: each exactly once, with its timeline and day rows and a sequence number of its own.
        Assert.True(result.Stored.ExactlyOnce, result.Report());
        Assert.Equal(0, result.Stored.FanoutNotDone);
        Assert.Equal(0, result.Stored.DeadLetters);
        // Delivered: every partner channel holds every update, every webhook signed; duplicates carry the same id.
        Assert.All(result.Inboxes, inbox =>
        {
            Assert.Equal(0, inbox.Missing);
            Assert.Equal(0, inbox.Unverified);
        });
        Assert.True(result.Inboxes.Sum(i => i.Duplicates) < result.Inboxes.Sum(i => i.Expected) / 100, result.Report());
    }
}

using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Sources;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>Rejections are kept for the retention period (default 90 days), then swept.</summary>
public sealed class RejectionRetentionTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    [Fact]
    public async Task Sweep_DeletesRejectionsOlderThanRetention_KeepsNewerOnes()
    {
        var storage = hub.App.Services.GetRequiredService<HubStorage>();
        var options = hub.App.Services.GetRequiredService<IOptions<RejectionOptions>>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-91));
        var store = new RejectionStore(storage, clock, options);
        var old = await store.AddAsync("retention-source", "http", 422, "Validation failed", [], "application/json", new Dictionary<string, string>(), "{}"u8.ToArray(), CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(2));
        var recent = await store.AddAsync("retention-source", "http", 422, "Validation failed", [], "application/json", new Dictionary<string, string>(), "{}"u8.ToArray(), CancellationToken.None);

        var deleted = await hub.App.Services.GetRequiredService<RejectionStore>().SweepAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Null(await store.GetAsync("retention-source", old.Id, CancellationToken.None));
        Assert.NotNull(await store.GetAsync("retention-source", recent.Id, CancellationToken.None));
    }
}

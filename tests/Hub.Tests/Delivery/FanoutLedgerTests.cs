using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.Tests.Delivery;

/// <summary>The ledger's memory is bounded: marks are a cache that expires; the settled set of a big fan-out stays small.</summary>
public sealed class FanoutLedgerTests
{
    private static FanoutLedger Ledger(TimeProvider time)
    {
        var storage = new HubStorage(new TableServiceClient("UseDevelopmentStorage=true"), new QueueServiceClient("UseDevelopmentStorage=true"), Options.Create(new HubOptions()), new ConfigurationBuilder().Build());
        return new FanoutLedger(storage, time, Options.Create(new FanoutOptions()), NullLogger<FanoutLedger>.Instance);
    }

    [Fact]
    public async Task Marks_OfMoreCollaborationsThanTheLimit_StayWithinIt()
    {
        using var ledger = Ledger(TimeProvider.System);

        for (var i = 0; i < FanoutLedger.MaxRememberedMarks * 3; i++)
        {
            ledger.Remember($"samverkan-{i}", 1, null);
        }

        // Compaction runs in the background once the limit is reached; new marks are refused meanwhile.
        for (var wait = 0; ledger.RememberedMarks > FanoutLedger.MaxRememberedMarks && wait < 100; wait++)
        {
            await Task.Delay(20);
        }

        Assert.InRange(ledger.RememberedMarks, 1, FanoutLedger.MaxRememberedMarks);
    }

    [Fact]
    public async Task Marks_UnusedLongerThanTheirExpiry_AreForgotten()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 19, 8, 0, 0, TimeSpan.Zero));
        using var ledger = Ledger(time);
        for (var i = 0; i < 100; i++)
        {
            ledger.Remember($"samverkan-{i}", i + 1, null);
        }

        Assert.Equal(100, ledger.RememberedMarks);
        time.Advance(FanoutLedger.MarkExpiry + TimeSpan.FromMinutes(2));
        ledger.Remember("samverkan-new", 1, null); // any use scans for expired entries

        for (var wait = 0; ledger.RememberedMarks > 1 && wait < 100; wait++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, ledger.RememberedMarks);
    }

    [Fact]
    public void SettledSet_OfAThousandWebhookPartnersWithLongUrls_FitsOneTableProperty()
    {
        var tokens = Enumerable.Range(0, 1000)
            .Select(i => DeliveryTarget.Of(
                new Partner($"kommunens-samverkanspartner-{i:D4}", "0182", [], new PartnerFilters(), false, null),
                new PartnerChannel(PartnerChannel.Webhook, $"https://integration.kommun-{i}.se/api/v2/webhooks/mellanrum/inkommande-uppdateringar?tenant=samverkan-{i}")).Token)
            .ToArray();

        Assert.Equal(1000, tokens.Distinct().Count());
        Assert.InRange(string.Join(',', tokens).Length, 1, 32_768);
    }
}

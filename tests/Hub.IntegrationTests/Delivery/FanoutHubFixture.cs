using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.ServiceBusBroker;

namespace Mellanrum.Hub.IntegrationTests.Delivery;

/// <summary>A hub with a Service Bus namespace (the in-test AMQP broker), loopback webhooks allowed and a short retry schedule.</summary>
public sealed class FanoutHubFixture : LocalHubFixture
{
    public TestServiceBusBroker Broker { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ServiceBus"] = Broker.ConnectionString,
        ["Hub:Webhooks:AllowPrivateTargets"] = "true",
        ["Hub:Webhooks:Timeout"] = "00:00:02",
        ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "100",
        ["Hub:Webhooks:RetryWaits:0"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:1"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:2"] = "00:00:00",
        ["Hub:Fanout:Grace"] = "00:00:00",
    };

    public override async Task InitializeAsync()
    {
        Broker = await TestServiceBusBroker.StartAsync(new TestServiceBusBrokerOptions { MaxMessageSize = 4096 });
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

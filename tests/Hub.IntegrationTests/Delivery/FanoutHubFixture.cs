using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.ServiceBusBroker;

namespace Mellanrum.Hub.IntegrationTests.Delivery;

/// <summary>A hub with a Service Bus namespace (the in-test AMQP broker), loopback webhooks allowed and a short retry schedule.</summary>
public sealed class FanoutHubFixture : FanoutHubFixtureBase
{
}

/// <summary>As <see cref="FanoutHubFixture"/>, with retries a second apart: long enough to post while one waits.</summary>
public sealed class ReliabilityHubFixture : FanoutHubFixtureBase
{
    protected override string RetryWait => "00:00:01";
}

public abstract class FanoutHubFixtureBase : LocalHubFixture
{
    protected virtual string RetryWait => "00:00:00";

    public TestServiceBusBroker Broker { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ServiceBus"] = Broker.ConnectionString,
        ["Hub:Webhooks:AllowPrivateTargets"] = "true",
        ["Hub:Webhooks:Timeout"] = "00:00:02",
        ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "100",
        ["Hub:Webhooks:RetryWaits:0"] = RetryWait,
        ["Hub:Webhooks:RetryWaits:1"] = RetryWait,
        ["Hub:Webhooks:RetryWaits:2"] = RetryWait,
        ["Hub:Fanout:Grace"] = "00:00:00",
        // With no grace every outbox row is due at once: the timer's sweep would race the fan-outs the tests watch (and
        // deliver twice what a test counts). The tests that need a sweep run it themselves; the timer waits for New Year.
        ["HubFanoutSweepSchedule"] = "0 0 0 1 1 *",
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

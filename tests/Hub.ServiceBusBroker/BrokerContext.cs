namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>What every queue shares: options, clock, log and the namespace-wide sequence number.</summary>
internal sealed class BrokerContext(TestServiceBusBrokerOptions options)
{
    long sequenceNumber;

    public TestServiceBusBrokerOptions Options { get; } = options;

    public TimeProvider TimeProvider => Options.TimeProvider;

    public Action<string>? Log => Options.Log;

    public long NextSequenceNumber() => Interlocked.Increment(ref sequenceNumber);
}

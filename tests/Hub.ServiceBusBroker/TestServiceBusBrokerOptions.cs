namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>Settings for <see cref="TestServiceBusBroker"/>; the defaults match a Standard-tier namespace.</summary>
public sealed class TestServiceBusBrokerOptions
{
    /// <summary>The largest message (or batch) a sender may send, announced on attach. Default 256 KiB.</summary>
    public ulong MaxMessageSize { get; init; } = 256 * 1024;

    /// <summary>How long a PeekLock delivery stays locked. Default 30 s.</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which a message moves to the dead-letter queue. Default 10.</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>The clock for enqueued times and lock expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the broker writes its diagnostics; null (the default) keeps it quiet.</summary>
    public Action<string>? Log { get; init; }
}

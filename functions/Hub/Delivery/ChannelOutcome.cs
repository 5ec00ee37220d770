namespace Mellanrum.Hub.Delivery;

/// <summary>How a channel send ended: delivered, failed for now (retry), or failed for good (dead letter).</summary>
public enum SendResult
{
    Delivered,
    Transient,
    Permanent,
}

/// <summary>The outcome of sending some events to one partner over one channel.</summary>
public sealed record ChannelOutcome(SendResult Result, TimeSpan Latency, string? Error = null);

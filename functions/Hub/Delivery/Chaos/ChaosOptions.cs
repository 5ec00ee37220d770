using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Delivery.Chaos;

/// <summary>
/// The <c>Hub:Chaos</c> section: fault injection for drills (Polly's chaos strategies), off unless a rate is set. Every
/// rate is the share of calls it touches (0 to 1), per call, in every client: Table Storage, storage queues, Service Bus
/// sends and webhook requests.
/// </summary>
public sealed class ChaosOptions
{
    public const string Section = "Hub:Chaos";

    /// <summary>Share of calls that fail with the client's own transient error (an I/O error for storage, ServiceBusy for Service Bus, a network error for webhooks).</summary>
    [Range(0.0, 1.0)]
    public double FaultRate { get; set; }

    /// <summary>Share of calls delayed by <see cref="Latency"/>.</summary>
    [Range(0.0, 1.0)]
    public double LatencyRate { get; set; }

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of webhook requests answered with a made-up 503 without reaching the endpoint.</summary>
    [Range(0.0, 1.0)]
    public double OutcomeRate { get; set; }

    public bool IsOn => FaultRate > 0 || LatencyRate > 0 || OutcomeRate > 0;
}

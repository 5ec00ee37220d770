using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>Settings for outbound webhook delivery, bound from <c>Hub:Webhooks</c> (which targets are allowed: <see cref="Partners.WebhookTargetOptions"/>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Hub:Webhooks";

    /// <summary>Overrides the retry waits (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); for tests and drills.</summary>
    public List<TimeSpan>? RetryWaits { get; set; }

    /// <summary>Total time one delivery attempt may take, connection and response headers included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Share of failed attempts to one endpoint (within <see cref="CircuitBreakerSamplingDuration"/>) that opens its circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts to one endpoint needed in the sampling window before its circuit may open (at least 2).</summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an open circuit refuses attempts to its endpoint before letting one through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}

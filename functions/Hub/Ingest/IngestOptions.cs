using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Ingest;

/// <summary>The <c>Hub:Ingest</c> section: how updates are let in.</summary>
public sealed class IngestOptions
{
    public const string Section = "Hub:Ingest";

    /// <summary>Largest accepted body; enforced while reading.</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Standard Webhooks timestamp tolerance either way.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests per second a source may send (token bucket per source and instance); 0 turns it off.</summary>
    [Range(0, 100_000)]
    public int RatePerSecond { get; set; } = 50;

    /// <summary>Burst above the steady rate.</summary>
    [Range(1, 100_000)]
    public int RateBurst { get; set; } = 200;

    /// <summary>Requests per second one client address may send, counted before any other work; 0 turns it off.</summary>
    [Range(0, 100_000)]
    public int PerAddressRatePerSecond { get; set; } = 100;

    /// <summary>Burst above the per-address rate.</summary>
    [Range(1, 100_000)]
    public int PerAddressBurst { get; set; } = 400;
}

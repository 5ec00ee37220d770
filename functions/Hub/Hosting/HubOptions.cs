using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Hosting;

/// <summary>The <c>Hub</c> configuration section, bound and validated at start.</summary>
public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>The operator's key for <c>/api/v1/admin/*</c> and any source's rejections.</summary>
    [Required]
    [MinLength(16)]
    public string AdminKey { get; set; } = string.Empty;

    /// <summary>The public base URL used in links (digest e-mails, Location headers stay relative).</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Prefix of every table name, so several hubs (or test runs) can share one account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$")]
    public string TablePrefix { get; set; } = "hub";

    public IngestOptions Ingest { get; set; } = new();

    public RejectionOptions Rejections { get; set; } = new();

    public FanoutOptions Fanout { get; set; } = new();
}

public sealed class FanoutOptions
{
    /// <summary>How long after its receipt an update's fan-out waits for its collaboration's previous update, to keep order.</summary>
    public TimeSpan OrderingPatience { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class IngestOptions
{
    /// <summary>Largest accepted body; enforced while reading.</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Standard Webhooks timestamp tolerance either way.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a rotated-out secret still verifies.</summary>
    public TimeSpan PreviousSecretValidity { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Requests per second a source may send (token bucket per source and instance); 0 turns it off.</summary>
    [Range(0, 100_000)]
    public int RatePerSecond { get; set; } = 50;

    /// <summary>Burst above the steady rate.</summary>
    [Range(1, 100_000)]
    public int RateBurst { get; set; } = 200;

    /// <summary>How long after storing an update the sweep considers its fan-out overdue.</summary>
    public TimeSpan FanoutGrace { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class RejectionOptions
{
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Raw bodies are kept up to this many bytes (Table Storage holds 64 KiB per property).</summary>
    [Range(1024, 60 * 1024)]
    public int MaxStoredBodyBytes { get; set; } = 32 * 1024;
}

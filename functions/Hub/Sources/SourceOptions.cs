using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// Source credentials, bound from <c>Hub:Ingest</c> (where the setting has always been read from): how long a
/// rotated-out secret still verifies, so a system can switch without downtime.
/// </summary>
public sealed class SourceOptions
{
    public const string Section = "Hub:Ingest";

    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan PreviousSecretValidity { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>The <c>Hub:Rejections</c> section: how long refused payloads are kept, and how much of each.</summary>
public sealed class RejectionOptions
{
    public const string Section = "Hub:Rejections";

    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Raw bodies are kept up to this many bytes (Table Storage holds 64 KiB per property).</summary>
    [Range(1024, 60 * 1024)]
    public int MaxStoredBodyBytes { get; set; } = 32 * 1024;
}

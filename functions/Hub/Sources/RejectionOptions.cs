using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Sources;

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

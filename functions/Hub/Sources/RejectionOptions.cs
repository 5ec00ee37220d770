using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Sources;

/// <summary>The <c>Hub:Rejections</c> section: how much of each refused payload is kept (how long: <c>Hub:Retention:RejectionDays</c>).</summary>
public sealed class RejectionOptions
{
    public const string Section = "Hub:Rejections";

    /// <summary>Raw bodies are kept up to this many bytes (Table Storage holds 64 KiB per property).</summary>
    [Range(1024, 60 * 1024)]
    public int MaxStoredBodyBytes { get; set; } = 32 * 1024;
}

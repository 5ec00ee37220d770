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

using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Delivery;

/// <summary>The <c>Hub:Fanout</c> section.</summary>
public sealed class FanoutOptions
{
    public const string Section = "Hub:Fanout";

    /// <summary>How long after its receipt an update's fan-out waits for its collaboration's previous update, to keep order.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderingPatience { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after storing an update the sweep considers its fan-out overdue.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a delivery held for its predecessor in its (partner, channel, collaboration) chain waits at most before
    /// it goes ahead without it (a predecessor that never ends); longer than a webhook's whole retry schedule.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ChainPatience { get; set; } = TimeSpan.FromHours(36);
}

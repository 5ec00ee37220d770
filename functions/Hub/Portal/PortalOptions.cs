using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Portal;

/// <summary>The <c>Hub:Portal</c> section: the partner page's sign-in links and sessions.</summary>
public sealed class PortalOptions
{
    public const string Section = "Hub:Portal";

    /// <summary>How long a sign-in link may be used (once).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a session lasts from sign-in.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The address the links start with (e.g. <c>https://mellanrum.se</c>); empty: for a link the operator issues, the
    /// address the operator's request came to; for a link mailed on request, <c>Hub:Digest:BaseUrl</c> (never the request's).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>How many sign-in links one e-mail address may ask for within <see cref="LinkRequestWindow"/> (per instance).</summary>
    [Range(1, 1000)]
    public int LinkRequestsPerAddress { get; set; } = 3;

    /// <summary>How many sign-in links all addresses together may ask for within <see cref="LinkRequestWindow"/> (per instance).</summary>
    [Range(1, 100_000)]
    public int LinkRequestsOverall { get; set; } = 60;

    /// <summary>The window both link request limits count in.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LinkRequestWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where the event catalogue links the sample consumer (the hub's repository); empty: its path only.</summary>
    public string? SampleConsumerUrl { get; set; }
}

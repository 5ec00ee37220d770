using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Sources;

/// <summary>A registered sending system, owned by one organisation.</summary>
public sealed record Source(
    string Id,
    string Organisation,
    string Name,
    string Format,
    MappingProfile? Profile,
    bool QueueIngest,
    IReadOnlyList<SourceSecret> Secrets,
    string KeyHash)
{
    public const string CanonicalFormat = "canonical";
    public const string ProfileFormat = "profile";

    /// <summary>The secrets that verify signatures at <paramref name="now"/>: the current one and a rotated-out one still in its grace period.</summary>
    public IEnumerable<SourceSecret> ValidSecrets(DateTimeOffset now) => Secrets.Where(s => s.NotAfter is null || s.NotAfter > now);
}

/// <summary>A webhook secret as stored: protected at rest, with the end of its validity once rotated out.</summary>
public sealed record SourceSecret(string Protected, DateTimeOffset? NotAfter);

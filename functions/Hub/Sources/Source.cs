using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// A registered sending system, owned by one organisation; its signing secrets (protected at rest) and its Bearer keys
/// (as hashes), each set rotated with an overlap and revocable at once.
/// </summary>
public sealed record Source(
    string Id,
    string Organisation,
    string Name,
    string Format,
    MappingProfile? Profile,
    bool QueueIngest,
    IReadOnlyList<StoredCredential> Secrets,
    IReadOnlyList<StoredCredential> Keys)
{
    public const string CanonicalFormat = "canonical";
    public const string ProfileFormat = "profile";

    /// <summary>The secrets that verify signatures at <paramref name="now"/>: the current one and a rotated-out one still in its overlap.</summary>
    public IEnumerable<StoredCredential> ValidSecrets(DateTimeOffset now) => CredentialSet.Valid(Secrets, now);

    /// <summary>The Bearer key credential <paramref name="presented"/> matches (compared in constant time), if it is valid at <paramref name="now"/>.</summary>
    public StoredCredential? KeyFor(string presented, DateTimeOffset now)
    {
        StoredCredential? found = null;
        foreach (var key in Keys)
        {
            // Every key is compared, so the time taken does not tell which one matched.
            if (Credentials.KeyMatches(presented, key.Stored) && key.IsValidAt(now))
            {
                found = key;
            }
        }

        return found;
    }
}

using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// A credential as stored: the id an operator names it by (never secret), its stored form (a Bearer key's SHA-256, or
/// a signing secret protected at rest), when it was made, and, once rotated out or revoked, when it stops.
/// </summary>
public sealed record StoredCredential(
    string Id,
    string Stored,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset? NotAfter = null)
{
    public bool IsValidAt(DateTimeOffset now) => NotAfter is null || NotAfter > now;

    /// <summary>A Bearer key's credential: its id is the start of its hash's own hash, so it tells nothing of the key.</summary>
    public static StoredCredential ForKey(string keyHash, DateTimeOffset now) =>
        new("key_" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keyHash)))[..12], keyHash, now);

    /// <summary>A signing secret's credential (protected at rest), with a random id.</summary>
    public static StoredCredential ForSecret(string protectedSecret, DateTimeOffset now) =>
        new("sec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), protectedSecret, now);
}

/// <summary>A set of credentials of one kind (a source's keys, a partner's signing secrets): rotated with an overlap, revoked at once.</summary>
public static class CredentialSet
{
    /// <summary>The credentials valid at <paramref name="now"/>, newest first.</summary>
    public static IEnumerable<StoredCredential> Valid(IEnumerable<StoredCredential> set, DateTimeOffset now) =>
        set.Where(c => c.IsValidAt(now)).OrderByDescending(c => c.CreatedAt);

    /// <summary>
    /// <paramref name="fresh"/> becomes the current credential; the one that was current stays valid for
    /// <paramref name="overlap"/>, so a system can switch without downtime; earlier ones that have ended are dropped.
    /// </summary>
    public static IReadOnlyList<StoredCredential> Rotate(IReadOnlyList<StoredCredential> set, StoredCredential fresh, DateTimeOffset now, TimeSpan overlap) =>
    [
        fresh,
        .. set.Where(c => c.IsValidAt(now)).Select(c => c.NotAfter is null || c.NotAfter > now + overlap ? c with { NotAfter = now + overlap } : c),
    ];

    /// <summary>Ends credential <paramref name="id"/> now; null when the set has no such valid credential.</summary>
    public static IReadOnlyList<StoredCredential>? Revoke(IReadOnlyList<StoredCredential> set, string id, DateTimeOffset now) =>
        set.Any(c => c.Id == id && c.IsValidAt(now))
            ? [.. set.Where(c => c.IsValidAt(now) && c.Id != id)]
            : null;

    /// <summary>Until when each valid credential works, for an answer (never the stored form).</summary>
    public static IReadOnlyList<CredentialView> Describe(IEnumerable<StoredCredential> set, DateTimeOffset now) =>
        [.. Valid(set, now).Select(c => new CredentialView(c.Id, c.CreatedAt, c.NotAfter))];
}

/// <summary>A credential as an answer shows it: its id, when it was made, and when it stops (null: current).</summary>
public sealed record CredentialView(
    string Id,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset? ValidUntil);

/// <summary>
/// A new credential, shown this once: <c>secret</c> for a signing secret, <c>key</c> for a Bearer key; the one it
/// replaces works until <c>previousValidUntil</c> (for a secret also as <c>previousSecretValidUntil</c>, its earlier name).
/// </summary>
public sealed record IssuedCredential(
    string Id,
    string CredentialId,
    string? Secret,
    string? Key,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset PreviousValidUntil)
{
    [JsonConverter(typeof(UtcDateTimeOffsetConverter))]
    public DateTimeOffset? PreviousSecretValidUntil => Secret is null ? null : PreviousValidUntil;
}

using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Partners;

/// <summary>How a partner receives updates: <c>servicebus</c>, <c>queue</c> or <c>webhook</c> (with its https URL).</summary>
public sealed record PartnerChannel(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string? Url = null)
{
    public const string ServiceBus = "servicebus";
    public const string Queue = "queue";
    public const string Webhook = "webhook";
}

/// <summary>Updates a partner wants beyond its own collaborations; an empty filter set matches nothing extra.</summary>
public sealed record PartnerFilters(
    IReadOnlyList<string>? Areas = null,
    IReadOnlyList<string>? Kinds = null,
    IReadOnlyList<string>? Organisations = null,
    IReadOnlyList<string>? Counties = null,
    IReadOnlyList<string>? Collaborations = null);

/// <summary>Who reads the monthly digest, and in which language (<c>sv</c> by default, or <c>en</c>).</summary>
public sealed record DigestSettings(IReadOnlyList<string> Recipients, string Language = "sv");

/// <summary>
/// An organisation's registration for receiving: channels, filters, digest recipients; its webhook signing secrets
/// (protected at rest) and Bearer keys (as hashes), each set rotated with an overlap and revocable at once.
/// </summary>
public sealed record Partner(
    string Id,
    string Organisation,
    IReadOnlyList<PartnerChannel> Channels,
    PartnerFilters Filters,
    bool IncludeOwn,
    DigestSettings? Digest,
    [property: JsonIgnore] IReadOnlyList<StoredCredential>? Secrets = null,
    [property: JsonIgnore] IReadOnlyList<StoredCredential>? Keys = null,
    IReadOnlyList<string>? DisabledWebhooks = null)
{
    /// <summary>The signing secrets that sign at <paramref name="now"/>, newest first: two during a rotation's overlap.</summary>
    public IEnumerable<StoredCredential> SigningSecrets(DateTimeOffset now) => CredentialSet.Valid(Secrets ?? [], now);

    /// <summary>Whether <paramref name="presented"/> is one of this partner's valid keys (every key compared, in constant time).</summary>
    public bool HasKey(string presented, DateTimeOffset now)
    {
        var found = false;
        foreach (var key in Keys ?? [])
        {
            found |= Credentials.KeyMatches(presented, key.Stored) && key.IsValidAt(now);
        }

        return found;
    }
}

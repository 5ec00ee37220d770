using System.Text.Json;
using System.Text.Json.Serialization;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Sources;

/// <summary>The body of <c>PUT /api/v1/admin/sources/{sourceId}</c>.</summary>
public sealed record SourceRegistration(
    string? Organisation,
    string? Name,
    string? Format,
    JsonElement? Profile,
    bool? QueueIngest);

/// <summary>What a source registration answered: the secret and key only on creation, shown once.</summary>
public sealed record SourceRegistrationResult(
    string Id,
    string Organisation,
    string Name,
    string Format,
    bool QueueIngest,
    IReadOnlyList<CredentialView> Secrets,
    IReadOnlyList<CredentialView> Keys,
    [property: JsonPropertyName("secret")] string? Secret = null,
    [property: JsonPropertyName("key")] string? Key = null);

/// <summary>Registers sources, keeps their settings current, rotates and revokes their secrets and keys.</summary>
public sealed class SourceAdministration(
    SourceStore store,
    SecretProtector protector,
    OrganisationRegistry organisations,
    TimeProvider time,
    IOptions<CredentialOptions> options,
    ILogger<SourceAdministration> logger)
{
    public async Task<AdminOutcome<SourceRegistrationResult>> PutAsync(string sourceId, SourceRegistration registration, CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        if (!Ids.IsSlug(sourceId))
        {
            errors.Add(new InvalidParameter("sourceId", "Must be 3-64 characters a-z, 0-9 and '-'.", Ids.Echo(sourceId)));
        }

        var organisation = string.Empty;
        if (string.IsNullOrWhiteSpace(registration.Organisation))
        {
            errors.Add(new InvalidParameter("organisation", "Required: a kommunkod or an organisationsnummer."));
        }
        else if (!organisations.TryResolve(registration.Organisation, out organisation))
        {
            errors.Add(new InvalidParameter("organisation", "Not a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(registration.Organisation)));
        }

        var name = registration.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add(new InvalidParameter("name", "Required, at most 200 characters."));
        }

        var format = string.IsNullOrWhiteSpace(registration.Format) ? Source.CanonicalFormat : registration.Format.Trim();
        MappingProfile? profile = null;
        if (format is not (Source.CanonicalFormat or Source.ProfileFormat))
        {
            errors.Add(new InvalidParameter("format", "Must be 'canonical' or 'profile'.", Ids.Echo(format)));
        }
        else if (format == Source.ProfileFormat)
        {
            profile = ReadProfile(registration.Profile, errors);
        }

        if (errors.Count > 0)
        {
            return new AdminOutcome<SourceRegistrationResult>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var updated = await store.UpdateAsync(
            sourceId,
            existing => existing with { Organisation = organisation, Name = name!, Format = format, Profile = profile, QueueIngest = registration.QueueIngest ?? false },
            now,
            cancellationToken);
        if (updated is not null)
        {
            logger.LogInformation("Updated source {SourceId}", sourceId);
            return new AdminOutcome<SourceRegistrationResult>.Updated(Describe(updated, now));
        }

        var secret = Credentials.NewWebhookSecret();
        var key = Credentials.NewKey();
        var source = new Source(
            sourceId,
            organisation,
            name!,
            format,
            profile,
            registration.QueueIngest ?? false,
            [StoredCredential.ForSecret(protector.Protect(secret), now)],
            [StoredCredential.ForKey(Credentials.HashKey(key), now)]);
        if (!await store.TryAddAsync(source, now, cancellationToken))
        {
            // Another PUT created it between our read and our add: this one is an update after all.
            return await PutAsync(sourceId, registration, cancellationToken);
        }

        logger.LogInformation("Registered source {SourceId} for {Organisation}", sourceId, organisation);
        return new AdminOutcome<SourceRegistrationResult>.Created(Describe(source, now) with { Secret = secret, Key = key });
    }

    /// <summary>How long a rotated-out credential still works (<c>Hub:Credentials:Overlap</c>, 24 hours by default).</summary>
    public TimeSpan Overlap => options.Value.Overlap;

    /// <summary>A new signing secret, shown once; the current one stays valid for the overlap.</summary>
    public async Task<AdminOutcome<IssuedCredential>> RotateSecretAsync(string sourceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = Credentials.NewWebhookSecret();
        var fresh = StoredCredential.ForSecret(protector.Protect(secret), now);
        var updated = await store.UpdateAsync(sourceId, s => s with { Secrets = CredentialSet.Rotate(s.Secrets, fresh, now, Overlap) }, now, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<IssuedCredential>.NotFound();
        }

        logger.LogInformation("Rotated the signing secret of source {SourceId}", sourceId);
        return new AdminOutcome<IssuedCredential>.Created(new IssuedCredential(sourceId, fresh.Id, secret, null, now + Overlap));
    }

    /// <summary>A new Bearer key, shown once; the current one stays valid for the overlap.</summary>
    public async Task<AdminOutcome<IssuedCredential>> RotateKeyAsync(string sourceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = Credentials.NewKey();
        var fresh = StoredCredential.ForKey(Credentials.HashKey(key), now);
        var updated = await store.UpdateAsync(sourceId, s => s with { Keys = CredentialSet.Rotate(s.Keys, fresh, now, Overlap) }, now, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<IssuedCredential>.NotFound();
        }

        await store.IndexKeyAsync(updated, cancellationToken);
        logger.LogInformation("Rotated the Bearer key of source {SourceId}", sourceId);
        return new AdminOutcome<IssuedCredential>.Created(new IssuedCredential(sourceId, fresh.Id, null, key, now + Overlap));
    }

    /// <summary>The source as an administrator sees it (settings and the ids of its valid credentials, never one of them); null when there is none.</summary>
    public async Task<SourceRegistrationResult?> GetAsync(string sourceId, CancellationToken cancellationToken) =>
        Ids.IsSlug(sourceId) && await store.GetAsync(sourceId, cancellationToken) is { } source ? Describe(source, time.GetUtcNow()) : null;

    /// <summary>Ends one of a source's secrets or keys now (by its credential id); NotFound when it has no such valid credential.</summary>
    public async Task<AdminOutcome<SourceRegistrationResult>> RevokeAsync(string sourceId, string credentialId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        StoredCredential? revokedKey = null;
        var found = false;
        var updated = await store.UpdateAsync(
            sourceId,
            s =>
            {
                var secrets = CredentialSet.Revoke(s.Secrets, credentialId, now);
                var keys = CredentialSet.Revoke(s.Keys, credentialId, now);
                found = secrets is not null || keys is not null;
                revokedKey = keys is null ? null : s.Keys.FirstOrDefault(k => k.Id == credentialId);
                return s with { Secrets = secrets ?? s.Secrets, Keys = keys ?? s.Keys };
            },
            now,
            cancellationToken);
        if (updated is null || !found)
        {
            return new AdminOutcome<SourceRegistrationResult>.NotFound();
        }

        if (revokedKey is not null)
        {
            await store.UnindexKeyAsync(revokedKey, cancellationToken);
        }

        logger.LogInformation("Revoked credential {CredentialId} of source {SourceId}", credentialId, sourceId);
        return new AdminOutcome<SourceRegistrationResult>.Updated(Describe(updated, now));
    }

    private static MappingProfile? ReadProfile(JsonElement? element, List<InvalidParameter> errors)
    {
        if (element is not { ValueKind: JsonValueKind.Object } json)
        {
            errors.Add(new InvalidParameter("profile", "Required when format is 'profile': an object with 'fields', 'values' and 'defaults'."));
            return null;
        }

        MappingProfile? profile;
        try
        {
            profile = json.Deserialize<MappingProfile>(HubJson.Options);
        }
        catch (JsonException)
        {
            errors.Add(new InvalidParameter("profile", "Not a mapping profile: 'fields' maps canonical fields to JSON Pointers, 'values' maps words, 'defaults' gives values."));
            return null;
        }

        if (profile?.Fields is null)
        {
            errors.Add(new InvalidParameter("profile.fields", "Required."));
            return null;
        }

        var profileErrors = MappingProfileValidator.Validate(profile);
        errors.AddRange(profileErrors);
        return profileErrors.Count == 0 ? profile : null;
    }

    private static SourceRegistrationResult Describe(Source s, DateTimeOffset now) =>
        new(s.Id, s.Organisation, s.Name, s.Format, s.QueueIngest, CredentialSet.Describe(s.Secrets, now), CredentialSet.Describe(s.Keys, now));
}

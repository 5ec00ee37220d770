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
    [property: JsonPropertyName("secret")] string? Secret = null,
    [property: JsonPropertyName("key")] string? Key = null);

/// <summary>A rotated secret, shown once, and until when the previous one still verifies.</summary>
public sealed record SecretRotation(
    string Id,
    string Secret,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset PreviousSecretValidUntil);

/// <summary>Registers sources, keeps their settings current and rotates their secrets.</summary>
public sealed class SourceAdministration(
    SourceStore store,
    SecretProtector protector,
    OrganisationRegistry organisations,
    TimeProvider time,
    IOptions<SourceOptions> options,
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
            return new AdminOutcome<SourceRegistrationResult>.Updated(Describe(updated));
        }

        var secret = Credentials.NewWebhookSecret();
        var key = Credentials.NewKey();
        var source = new Source(sourceId, organisation, name!, format, profile, registration.QueueIngest ?? false, [new SourceSecret(protector.Protect(secret), null)], Credentials.HashKey(key));
        if (!await store.TryAddAsync(source, now, cancellationToken))
        {
            // Another PUT created it between our read and our add: this one is an update after all.
            return await PutAsync(sourceId, registration, cancellationToken);
        }

        logger.LogInformation("Registered source {SourceId} for {Organisation}", sourceId, organisation);
        return new AdminOutcome<SourceRegistrationResult>.Created(Describe(source) with { Secret = secret, Key = key });
    }

    /// <summary>How long a rotated-out secret still verifies (<c>Hub:Ingest:PreviousSecretValidity</c>, 24 hours by default).</summary>
    public TimeSpan PreviousSecretValidity => options.Value.PreviousSecretValidity;

    /// <summary>A new secret; the current one stays valid for <see cref="PreviousSecretValidity"/>, older ones end now.</summary>
    public async Task<AdminOutcome<SecretRotation>> RotateSecretAsync(string sourceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = Credentials.NewWebhookSecret();
        var updated = await store.UpdateAsync(
            sourceId,
            existing => existing with
            {
                Secrets =
                [
                    new SourceSecret(protector.Protect(secret), null),
                    .. existing.Secrets.Where(s => s.NotAfter is null).Select(s => s with { NotAfter = now + PreviousSecretValidity }),
                ],
            },
            now,
            cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<SecretRotation>.NotFound();
        }

        logger.LogInformation("Rotated the webhook secret of source {SourceId}", sourceId);
        return new AdminOutcome<SecretRotation>.Created(new SecretRotation(sourceId, secret, now + PreviousSecretValidity));
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

    private static SourceRegistrationResult Describe(Source s) => new(s.Id, s.Organisation, s.Name, s.Format, s.QueueIngest);
}

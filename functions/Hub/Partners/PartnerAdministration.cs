using System.Text.Json.Serialization;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Partners;

/// <summary>The body of <c>PUT /api/v1/admin/partners/{partnerId}</c>.</summary>
public sealed record PartnerRegistration(
    string? Organisation,
    IReadOnlyList<PartnerChannel>? Channels,
    PartnerFilters? Filters,
    bool? IncludeOwn,
    DigestSettings? Digest);

/// <summary>A partner as the administration answers it; the secret and key only in the first answer.</summary>
public sealed record PartnerView(
    string Id,
    string Organisation,
    IReadOnlyList<PartnerChannel> Channels,
    PartnerFilters Filters,
    bool IncludeOwn,
    DigestSettings? Digest,
    IReadOnlyList<string> DisabledWebhooks,
    IReadOnlyList<CredentialView> Secrets,
    IReadOnlyList<CredentialView> Keys,
    [property: JsonPropertyName("secret")] string? Secret = null,
    [property: JsonPropertyName("key")] string? Key = null)
{
    /// <summary>The signing secret's earlier name in this answer, kept as an alias until v2.</summary>
    [JsonPropertyName("webhookSecret")]
    public string? WebhookSecret => Secret;

    public static PartnerView Of(Partner p, DateTimeOffset now) => new(
        p.Id, p.Organisation, p.Channels, p.Filters, p.IncludeOwn, p.Digest, p.DisabledWebhooks ?? [], CredentialSet.Describe(p.Secrets ?? [], now), CredentialSet.Describe(p.Keys ?? [], now));
}

/// <summary>Registers partners, validating every field at once, and prepares their queues.</summary>
public sealed class PartnerAdministration(
    PartnerStore store,
    SecretProtector protector,
    OrganisationRegistry organisations,
    WebhookTargetValidator webhookTargets,
    PartnerQueues queues,
    TimeProvider time,
    IOptions<CredentialOptions> credentialOptions,
    ILogger<PartnerAdministration> logger)
{
    private static readonly string[] ChannelTypes = [PartnerChannel.ServiceBus, PartnerChannel.Queue, PartnerChannel.Webhook];

    public async Task<AdminOutcome<PartnerView>> PutAsync(string partnerId, PartnerRegistration registration, CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        if (!Ids.IsPartnerId(partnerId))
        {
            errors.Add(new InvalidParameter("partnerId", "Must be 3-55 characters a-z and 0-9 in words joined by single '-', as [a-z0-9]+(-[a-z0-9]+)* (it names the partner's queue partner-{id}).", Ids.Echo(partnerId)));
        }

        var organisation = string.Empty;
        if (!organisations.TryResolve(registration.Organisation, out organisation))
        {
            errors.Add(new InvalidParameter("organisation", "Required: a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(registration.Organisation)));
        }

        var channels = registration.Channels ?? [];
        for (var i = 0; i < channels.Count; i++)
        {
            var channel = channels[i];
            if (channel is null || !ChannelTypes.Contains(channel.Type))
            {
                errors.Add(new InvalidParameter($"channels[{i}].type", "Must be servicebus, queue or webhook.", Ids.Echo(channel?.Type)));
            }
            else if (channel.Type == PartnerChannel.Webhook && webhookTargets.CheckUrl(channel.Url) is { IsAllowed: false } refused)
            {
                errors.Add(new InvalidParameter($"channels[{i}].url", refused.Reason ?? "Not an allowed webhook target.", Ids.Echo(channel.Url)));
            }
        }

        var filters = CheckFilters(registration.Filters ?? new PartnerFilters(), errors);
        var digest = registration.Digest is { } asked ? CheckDigest(asked, errors) : null;

        if (errors.Count > 0)
        {
            return new AdminOutcome<PartnerView>.Invalid(errors);
        }

        await queues.PrepareAsync(partnerId, channels, cancellationToken);
        var updated = await store.UpdateAsync(
            partnerId,
            p => p with { Organisation = organisation, Channels = channels, Filters = filters, IncludeOwn = registration.IncludeOwn ?? false, Digest = digest, DisabledWebhooks = [] },
            cancellationToken);
        if (updated is not null)
        {
            logger.LogInformation("Updated partner {PartnerId}", partnerId);
            return new AdminOutcome<PartnerView>.Updated(PartnerView.Of(updated, time.GetUtcNow()));
        }

        var now = time.GetUtcNow();
        var secret = WebhookSignature.CreateSecret();
        var key = Credentials.NewKey();
        var partner = new Partner(
            partnerId, organisation, channels, filters, registration.IncludeOwn ?? false, digest,
            [StoredCredential.ForSecret(protector.Protect(secret), now)], [StoredCredential.ForKey(Credentials.HashKey(key), now)], []);
        if (!await store.TryAddAsync(partner, cancellationToken))
        {
            return await PutAsync(partnerId, registration, cancellationToken);
        }

        logger.LogInformation("Registered partner {PartnerId} for {Organisation}", partnerId, organisation);
        return new AdminOutcome<PartnerView>.Created(PartnerView.Of(partner, now) with { Secret = secret, Key = key });
    }

    /// <summary>A new webhook signing secret, shown once; during the overlap every webhook carries both signatures.</summary>
    public async Task<AdminOutcome<IssuedCredential>> RotateSecretAsync(string partnerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overlap = credentialOptions.Value.Overlap;
        var secret = WebhookSignature.CreateSecret();
        var fresh = StoredCredential.ForSecret(protector.Protect(secret), now);
        var updated = await store.UpdateAsync(partnerId, p => p with { Secrets = CredentialSet.Rotate(p.Secrets ?? [], fresh, now, overlap) }, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<IssuedCredential>.NotFound();
        }

        logger.LogInformation("Rotated the signing secret of partner {PartnerId}", partnerId);
        return new AdminOutcome<IssuedCredential>.Created(new IssuedCredential(partnerId, fresh.Id, secret, null, now + overlap));
    }

    /// <summary>A new Bearer key, shown once; the current one stays valid for the overlap.</summary>
    public async Task<AdminOutcome<IssuedCredential>> RotateKeyAsync(string partnerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overlap = credentialOptions.Value.Overlap;
        var key = Credentials.NewKey();
        var fresh = StoredCredential.ForKey(Credentials.HashKey(key), now);
        var updated = await store.UpdateAsync(partnerId, p => p with { Keys = CredentialSet.Rotate(p.Keys ?? [], fresh, now, overlap) }, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<IssuedCredential>.NotFound();
        }

        logger.LogInformation("Rotated the Bearer key of partner {PartnerId}", partnerId);
        return new AdminOutcome<IssuedCredential>.Created(new IssuedCredential(partnerId, fresh.Id, null, key, now + overlap));
    }

    /// <summary>The partner as an administrator sees it (channels, filters, digest, the ids of its valid credentials, never one of them); null when there is none.</summary>
    public async Task<PartnerView?> GetAsync(string partnerId, CancellationToken cancellationToken) =>
        Ids.IsSlug(partnerId) && await store.GetAsync(partnerId, cancellationToken) is { } partner ? PartnerView.Of(partner, time.GetUtcNow()) : null;

    /// <summary>Ends one of a partner's secrets or keys now (by its credential id); NotFound when it has no such valid credential.</summary>
    public async Task<AdminOutcome<PartnerView>> RevokeAsync(string partnerId, string credentialId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var found = false;
        var updated = await store.UpdateAsync(
            partnerId,
            p =>
            {
                var secrets = CredentialSet.Revoke(p.Secrets ?? [], credentialId, now);
                var keys = CredentialSet.Revoke(p.Keys ?? [], credentialId, now);
                found = secrets is not null || keys is not null;
                return p with { Secrets = secrets ?? p.Secrets, Keys = keys ?? p.Keys };
            },
            cancellationToken);
        if (updated is null || !found)
        {
            return new AdminOutcome<PartnerView>.NotFound();
        }

        logger.LogInformation("Revoked credential {CredentialId} of partner {PartnerId}", credentialId, partnerId);
        return new AdminOutcome<PartnerView>.Updated(PartnerView.Of(updated, now));
    }

    /// <summary>
    /// A partner's new filters alone (its partner page): checked as <see cref="PutAsync"/> checks them (organisations
    /// resolved to their codes), then saved; Invalid names each failing field (<c>filters.areas[0]</c>), NotFound when
    /// there is no such partner.
    /// </summary>
    public async Task<AdminOutcome<PartnerView>> SetFiltersAsync(string partnerId, PartnerFilters filters, CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        var checkedFilters = CheckFilters(filters, errors);
        if (errors.Count > 0)
        {
            return new AdminOutcome<PartnerView>.Invalid(errors);
        }

        var updated = await store.UpdateAsync(partnerId, p => p with { Filters = checkedFilters }, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<PartnerView>.NotFound();
        }

        logger.LogInformation("Changed the filters of partner {PartnerId}", partnerId);
        return new AdminOutcome<PartnerView>.Updated(PartnerView.Of(updated, time.GetUtcNow()));
    }

    /// <summary>
    /// A partner's new digest recipients and language alone (its partner page): checked as <see cref="PutAsync"/> checks
    /// them, then saved; Invalid names each failing field (<c>digest.recipients[1]</c>), NotFound when there is no such partner.
    /// </summary>
    public async Task<AdminOutcome<PartnerView>> SetDigestAsync(string partnerId, DigestSettings digest, CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        var checkedDigest = CheckDigest(digest, errors);
        if (errors.Count > 0)
        {
            return new AdminOutcome<PartnerView>.Invalid(errors);
        }

        var updated = await store.UpdateAsync(partnerId, p => p with { Digest = checkedDigest }, cancellationToken);
        if (updated is null)
        {
            return new AdminOutcome<PartnerView>.NotFound();
        }

        logger.LogInformation("Changed the digest settings of partner {PartnerId}", partnerId);
        return new AdminOutcome<PartnerView>.Updated(PartnerView.Of(updated, time.GetUtcNow()));
    }

    /// <summary>Digest settings as the hub keeps them, each failing field added to <paramref name="errors"/> (<c>digest.recipients[i]</c>, <c>digest.language</c>).</summary>
    public static DigestSettings CheckDigest(DigestSettings digest, List<InvalidParameter> errors)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(errors);
        for (var i = 0; i < (digest.Recipients?.Count ?? 0); i++)
        {
            if (!MimeKit.MailboxAddress.TryParse(digest.Recipients![i], out var address) || !address.Address.Contains('@'))
            {
                errors.Add(new InvalidParameter($"digest.recipients[{i}]", "Not an e-mail address."));
            }
        }

        if (digest.Language is not ("sv" or "en"))
        {
            errors.Add(new InvalidParameter("digest.language", "Must be sv or en.", Ids.Echo(digest.Language)));
        }

        return digest with { Recipients = digest.Recipients ?? [] };
    }

    /// <summary>Filters as the hub keeps them (organisations resolved to their codes), each failing field added to <paramref name="errors"/> (<c>filters.{name}[i]</c>).</summary>
    public PartnerFilters CheckFilters(PartnerFilters filters, List<InvalidParameter> errors)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(errors);
        void Check(string name, IReadOnlyList<string>? values, Func<string, bool> valid, string reason)
        {
            for (var i = 0; i < (values?.Count ?? 0); i++)
            {
                if (!valid(values![i]))
                {
                    errors.Add(new InvalidParameter($"filters.{name}[{i}]", reason, Ids.Echo(values[i])));
                }
            }
        }

        Check("areas", filters.Areas, Vocabulary.Areas.Contains, "Not an area: " + string.Join(", ", Vocabulary.Areas) + ".");
        Check("kinds", filters.Kinds, Vocabulary.Kinds.Contains, "Not a kind: " + string.Join(", ", Vocabulary.Kinds) + ".");
        Check("counties", filters.Counties, c => organisations.FindCounty(c) is not null, "Not a county code (01-25).");
        Check("collaborations", filters.Collaborations, Ids.IsSlug, "Not a collaboration id.");
        var resolved = new List<string>();
        Check("organisations", filters.Organisations, o =>
        {
            var ok = organisations.TryResolve(o, out var code);
            if (ok)
            {
                resolved.Add(code);
            }

            return ok;
        }, "Not a known kommunkod, municipality name or valid organisationsnummer.");
        return filters with { Organisations = filters.Organisations is null ? null : resolved };
    }
}

using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Portal;

/// <summary>A sign-in link as the operator gets it: its id (to revoke it), the token (shown once, in the URL) and when it ends.</summary>
public sealed record IssuedPortalLink(string LinkId, string PartnerId, string Token, DateTimeOffset ExpiresAt);

/// <summary>Why a sign-in link was not accepted (each refused alike to the person holding it).</summary>
public enum PortalLinkRefusal
{
    Unknown,
    Used,
    Expired,
    Revoked,
}

/// <summary>What redeeming a token came to: the partner it signs in to, or why not.</summary>
public sealed record PortalLinkRedemption(string? PartnerId, string? LinkId, PortalLinkRefusal? Refusal);

/// <summary>
/// The partner page's sign-in links (<c>PortalLinks</c>, PartitionKey = the link id, RowKey = <c>link</c>): single use,
/// valid for <see cref="PortalOptions.LinkLifetime"/>, revocable, stored as a SHA-256 hash of their secret only. A token is
/// <c>{linkId}.{secret}</c>: the id finds the row, the secret is compared in constant time with its hash. Redeeming marks
/// the row used under its ETag, so two uses at once cannot both succeed.
/// </summary>
public sealed class PortalLinks(HubStorage storage, TimeProvider time, IOptions<PortalOptions> options)
{
    private const string Row = "link";

    public async Task<IssuedPortalLink> IssueAsync(string partnerId, CancellationToken cancellationToken)
    {
        var linkId = "pl_" + Ids.NewId()[..16].ToLowerInvariant();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var expires = now + options.Value.LinkLifetime;
        var table = await storage.TableAsync(HubStorage.PortalLinksTable, cancellationToken);
        await table.AddEntityAsync(
            new TableEntity(linkId, Row)
            {
                ["PartnerId"] = partnerId,
                ["SecretHash"] = Hash(secret),
                ["CreatedAt"] = now,
                ["ExpiresAt"] = expires,
            },
            cancellationToken);
        return new IssuedPortalLink(linkId, partnerId, linkId + "." + secret, expires);
    }

    /// <summary>Ends a partner's link at once; false when it has no such link.</summary>
    public async Task<bool> RevokeAsync(string partnerId, string linkId, CancellationToken cancellationToken)
    {
        if (!IsLinkId(linkId))
        {
            return false;
        }

        var table = await storage.TableAsync(HubStorage.PortalLinksTable, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(linkId, Row, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetString("PartnerId") != partnerId)
        {
            return false;
        }

        var entity = row.Value;
        entity["RevokedAt"] = time.GetUtcNow();
        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    /// <summary>Uses a token once: the partner it signs in to, or why it is refused.</summary>
    public async Task<PortalLinkRedemption> RedeemAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is not { Length: > 0 and < 200 } || token.IndexOf('.') is not (> 0 and var dot) || !IsLinkId(token[..dot]))
        {
            return new(null, null, PortalLinkRefusal.Unknown);
        }

        var linkId = token[..dot];
        var table = await storage.TableAsync(HubStorage.PortalLinksTable, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(linkId, Row, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return new(null, null, PortalLinkRefusal.Unknown);
        }

        var entity = row.Value!;
        var expected = Convert.FromHexString(entity.GetString("SecretHash") ?? string.Empty);
        var presented = Convert.FromHexString(Hash(token[(dot + 1)..]));
        if (expected.Length != presented.Length || !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return new(null, null, PortalLinkRefusal.Unknown);
        }

        if (entity.GetDateTimeOffset("RevokedAt") is not null)
        {
            return new(null, linkId, PortalLinkRefusal.Revoked);
        }

        if (entity.GetDateTimeOffset("UsedAt") is not null)
        {
            return new(null, linkId, PortalLinkRefusal.Used);
        }

        var now = time.GetUtcNow();
        if (entity.GetDateTimeOffset("ExpiresAt") is not { } expires || expires <= now)
        {
            return new(null, linkId, PortalLinkRefusal.Expired);
        }

        entity["UsedAt"] = now;
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return new(null, linkId, PortalLinkRefusal.Used);
        }

        return new(entity.GetString("PartnerId"), linkId, null);
    }

    public static bool IsLinkId(string? value) =>
        value is { Length: 19 } && value.StartsWith("pl_", StringComparison.Ordinal) && value[3..].All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

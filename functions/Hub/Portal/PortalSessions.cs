using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Portal;

/// <summary>
/// A signed-in partner page: which partner alone it may see, its CSRF token (in every form), when it ends. <see cref="Id"/>
/// is the start of the cookie value's hash: it names the session in the audit log (<c>portal:{Id}</c>), never the cookie.
/// </summary>
public sealed record PortalSession(string Key, string PartnerId, string CsrfToken, DateTimeOffset ExpiresAt)
{
    public string Id => Key[..12];

    public Caller Caller => new Caller.PortalCaller(Id, PartnerId);

    /// <summary>Whether a form's token is this session's (compared in constant time).</summary>
    public bool IsCsrfToken(string? presented) =>
        presented is { Length: > 0 }
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(CsrfToken)));
}

/// <summary>
/// Partner page sessions, kept on the server (<c>PortalSessions</c>, PartitionKey = the SHA-256 of the cookie's random
/// value, RowKey = <c>session</c>): the cookie carries only 32 random bytes, and the table only their hash, so neither a
/// copy of the table nor of the logs signs anyone in. A session ends after <see cref="PortalOptions.SessionLifetime"/>
/// or at sign-out (the row is deleted).
/// </summary>
public sealed class PortalSessions(HubStorage storage, TimeProvider time, IOptions<PortalOptions> options)
{
    private const string Row = "session";

    /// <summary>Starts a session for <paramref name="partnerId"/>: the cookie's value (shown to the browser only) and the session.</summary>
    public async Task<(string Cookie, PortalSession Session)> StartAsync(string partnerId, CancellationToken cancellationToken)
    {
        var cookie = RandomToken();
        var now = time.GetUtcNow();
        var session = new PortalSession(Hash(cookie), partnerId, RandomToken(), now + options.Value.SessionLifetime);
        var table = await storage.TableAsync(HubStorage.PortalSessionsTable, cancellationToken);
        await table.AddEntityAsync(
            new TableEntity(session.Key, Row)
            {
                ["PartnerId"] = partnerId,
                ["CsrfToken"] = session.CsrfToken,
                ["CreatedAt"] = now,
                ["ExpiresAt"] = session.ExpiresAt,
            },
            cancellationToken);
        return (cookie, session);
    }

    /// <summary>The live session a cookie names; null for none, an unknown or an ended one.</summary>
    public async Task<PortalSession?> FindAsync(string? cookie, CancellationToken cancellationToken)
    {
        if (cookie is not { Length: 43 } || !cookie.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return null;
        }

        var table = await storage.TableAsync(HubStorage.PortalSessionsTable, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Hash(cookie), Row, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetDateTimeOffset("ExpiresAt") is not { } expires || expires <= time.GetUtcNow())
        {
            return null;
        }

        return new PortalSession(row.Value.PartitionKey, row.Value.GetString("PartnerId"), row.Value.GetString("CsrfToken"), expires);
    }

    public async Task EndAsync(PortalSession session, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.PortalSessionsTable, cancellationToken);
        await table.DeleteEntityAsync(session.Key, Row, cancellationToken: cancellationToken);
    }

    /// <summary>32 random bytes, base64url without padding (43 characters).</summary>
    public static string RandomToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

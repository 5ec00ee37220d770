using System.Security.Cryptography;
using System.Text;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// The one check of the keys callers present as <c>Authorization: Bearer</c>: the operator's admin key (every
/// <c>/admin/</c> route), a source's key (found from the key alone), a partner's key (its digest). It runs inside the
/// function, so both hosts run it.
/// </summary>
public sealed class KeyAuthenticator(IOptions<HubOptions> options, SourceStore sources, PartnerStore partners, TimeProvider time)
{
    private static readonly Problem AdminOnly = Problem.Unauthorized("Authentication failed: send the admin key as Authorization: Bearer.");

    /// <summary>The admin key's id in the audit log: the start of its hash, never the key.</summary>
    private string AdminKeyId => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey)))[..12];

    /// <summary>Runs <paramref name="handle"/> only for the admin key; anyone else gets a 401 problem.</summary>
    public async Task<IResult> OnlyAdminAsync(HttpRequest request, Func<Task<IResult>> handle) =>
        IsAdmin(request) ? await handle() : HubResults.Problem(AdminOnly);

    /// <summary>As <see cref="OnlyAdminAsync(HttpRequest, Func{Task{IResult}})"/>, handing the admin on (for the audit log).</summary>
    public async Task<IResult> OnlyAdminAsync(HttpRequest request, Func<Caller, Task<IResult>> handle) =>
        IsAdmin(request) ? await handle(new Caller.AdminCaller(AdminKeyId)) : HubResults.Problem(AdminOnly);

    public bool IsAdmin(HttpRequest request) => BearerToken(request) is { } token && IsAdminKey(token);

    /// <summary>Who the Bearer key says the caller is: the admin, a source (found from its key alone), or anonymous.</summary>
    public async Task<Caller> CallerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is not { Length: > 0 } token)
        {
            return Caller.Anonymous;
        }

        if (IsAdminKey(token))
        {
            return new Caller.AdminCaller(AdminKeyId);
        }

        return await sources.FindByKeyAsync(token, cancellationToken) is { } source && source.KeyFor(token, time.GetUtcNow()) is { } key
            ? new Caller.SourceCaller(source.Id, source.Organisation, key.Id)
            : Caller.Anonymous;
    }

    /// <summary>The admin key, or a valid key of source <paramref name="sourceId"/>.</summary>
    public async Task<bool> IsAdminOrSourceAsync(HttpRequest request, string sourceId, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is not { } token)
        {
            return false;
        }

        return IsAdminKey(token)
            || (sourceId != RejectionStore.Unattributed
                && await sources.GetAsync(sourceId, cancellationToken) is { } source
                && source.KeyFor(token, time.GetUtcNow()) is not null);
    }

    /// <summary>
    /// The admin key or a valid key of partner <paramref name="partnerId"/>: the partner (null for the admin when there
    /// is no such partner). Unknown partner and another's key look the same, so ids cannot be probed.
    /// </summary>
    public async Task<(bool Allowed, Partner? Partner)> AdminOrPartnerAsync(HttpRequest request, string partnerId, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is not { Length: > 0 } token)
        {
            return (false, null);
        }

        var partner = Ids.IsSlug(partnerId) ? await partners.GetAsync(partnerId, cancellationToken) : null;
        if (IsAdminKey(token))
        {
            return (true, partner);
        }

        return partner is not null && partner.HasKey(token, time.GetUtcNow()) ? (true, partner) : (false, null);
    }

    /// <summary>The Bearer token of <c>Authorization</c>, when there is exactly one such header.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header)
        {
            return null;
        }

        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private bool IsAdminKey(string token)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return options.Value.AdminKey.Length > 0 && CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}

using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Functions.Portal;

/// <summary>The answer to an issued sign-in link: where it goes (shown once) and until when; its id revokes it.</summary>
public sealed record PortalLinkAnswer(
    string Id,
    string Url,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset ExpiresAt);

/// <summary>Sign-in links to a partner's own page, issued and revoked by the operator: the admin key.</summary>
public sealed class PortalLinkFunctions(KeyAuthenticator keys, AuditLog audit, PartnerStore partners, PortalLinks links, IOptions<PortalOptions> options)
{
    private static readonly Problem NoPartner = Problem.NotFound("No such partner.");

    /// <summary>
    /// <c>POST /api/v1/admin/partners/{partnerId}/portal-links</c>: 201 <c>{"id", "url", "expiresAt"}</c>, a link to the
    /// partner page that signs in once within 24 hours (the URL is shown only here; the hub keeps a hash); 401, 404.
    /// </summary>
    [Function(nameof(CreatePortalLink))]
    public Task<IResult> CreatePortalLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/partners/{partnerId}/portal-links")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            if (!Ids.IsSlug(partnerId) || await partners.GetAsync(partnerId, cancellationToken) is null)
            {
                return HubResults.Problem(NoPartner);
            }

            var link = await links.IssueAsync(partnerId, cancellationToken);
            await audit.RecordAsync(caller, "partner.portal-link.issued", partnerId, link.LinkId, cancellationToken);
            var baseUrl = options.Value.BaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host.Value}";
            return HubResults.Json(new PortalLinkAnswer(link.LinkId, $"{baseUrl}/portal/logga-in?token={Uri.EscapeDataString(link.Token)}", link.ExpiresAt), StatusCodes.Status201Created);
        });

    /// <summary><c>DELETE /api/v1/admin/partners/{partnerId}/portal-links/{linkId}</c>: 204, the link signs in no more; 401, 404.</summary>
    [Function(nameof(RevokePortalLink))]
    public Task<IResult> RevokePortalLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/partners/{partnerId}/portal-links/{linkId}")] HttpRequest request,
        string partnerId,
        string linkId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            if (!Ids.IsSlug(partnerId) || !await links.RevokeAsync(partnerId, linkId, cancellationToken))
            {
                return HubResults.Problem(Problem.NotFound("No such partner, or no such link of it."));
            }

            await audit.RecordAsync(caller, "partner.portal-link.revoked", partnerId, linkId, cancellationToken);
            return HubResults.NoContent();
        });
}

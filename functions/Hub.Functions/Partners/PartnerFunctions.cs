using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Partners;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Partners;

/// <summary>Partner administration, delivery log and replay: the admin key.</summary>
public sealed class PartnerFunctions(KeyAuthenticator keys, AuditLog audit, PartnerAdministration administration, PartnerStore partners, DeliveryLog log, ReplayService replay)
{
    private static readonly Problem NoPartner = Problem.NotFound("No such partner.");

    /// <summary>
    /// <c>PUT /api/v1/admin/partners/{partnerId}</c>: 201 with the webhook signing <c>secret</c> (also as
    /// <c>webhookSecret</c> until v2) and the Bearer <c>key</c>, shown once; 200; 401; 422.
    /// </summary>
    [Function(nameof(PutPartner))]
    public Task<IResult> PutPartner(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/admin/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<PartnerRegistration, PartnerView>(keys, audit, request, "partner", partnerId, (body, ct) => administration.PutAsync(partnerId, body, ct), cancellationToken);

    /// <summary><c>GET /api/v1/admin/partners/{partnerId}</c>: 200 the partner and the ids of its valid secrets and keys (never one of them), 401, 404.</summary>
    [Function(nameof(GetPartner))]
    public Task<IResult> GetPartner(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
            await administration.GetAsync(partnerId, cancellationToken) is { } partner ? HubResults.Json(partner) : HubResults.Problem(NoPartner));

    /// <summary>
    /// <c>POST /api/v1/admin/partners/{partnerId}/secrets</c>: 200 a new webhook signing <c>secret</c> (shown once); during
    /// the overlap every webhook carries both signatures; 401, 404.
    /// </summary>
    [Function(nameof(RotatePartnerSecret))]
    public Task<IResult> RotatePartnerSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/partners/{partnerId}/secrets")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        AdminPut.CredentialAsync(keys, audit, request, "partner.secret.rotated", partnerId, () => administration.RotateSecretAsync(partnerId, cancellationToken), c => c.CredentialId, "No such partner.", cancellationToken);

    /// <summary><c>POST /api/v1/admin/partners/{partnerId}/keys</c>: 200 a new Bearer <c>key</c> (shown once; the previous one works for the overlap), 401, 404.</summary>
    [Function(nameof(RotatePartnerKey))]
    public Task<IResult> RotatePartnerKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/partners/{partnerId}/keys")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        AdminPut.CredentialAsync(keys, audit, request, "partner.key.rotated", partnerId, () => administration.RotateKeyAsync(partnerId, cancellationToken), c => c.CredentialId, "No such partner.", cancellationToken);

    /// <summary>
    /// <c>DELETE /api/v1/admin/partners/{partnerId}/{kind}/{credentialId}</c> (<c>kind</c> = <c>secrets</c> or <c>keys</c>):
    /// ends that credential at once; 200 the partner with the credentials still valid; 401, 404.
    /// </summary>
    [Function(nameof(RevokePartnerCredential))]
    public Task<IResult> RevokePartnerCredential(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/partners/{partnerId}/{kind}/{credentialId}")] HttpRequest request,
        string partnerId,
        string kind,
        string credentialId,
        CancellationToken cancellationToken) =>
        AdminPut.RevokeAsync(keys, audit, request, "partner", partnerId, kind, credentialId, () => administration.RevokeAsync(partnerId, credentialId, cancellationToken), "No such partner, or no such valid credential of it.", cancellationToken);

    /// <summary><c>GET /api/v1/admin/partners/{partnerId}/deliveries?limit=&amp;offset=</c>: attempts newest first and dead letters; 400, 401, 404.</summary>
    [Function(nameof(ListDeliveries))]
    public Task<IResult> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/partners/{partnerId}/deliveries")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
        {
            var (paging, problem) = Query.Paging(request);
            if (problem is not null)
            {
                return HubResults.Problem(problem);
            }

            if (await partners.GetAsync(partnerId, cancellationToken) is null)
            {
                return HubResults.Problem(NoPartner);
            }

            var (attempts, deadLetters) = await log.ListAsync(partnerId, paging.Limit, paging.Offset, cancellationToken);
            return HubResults.Json(new DeliveryPage(attempts, deadLetters, paging.Limit, paging.Offset));
        });

    /// <summary><c>POST /api/v1/admin/partners/{partnerId}/deliveries/replay?from=&amp;to=</c>: 202 what was sent again; 400, 401, 404.</summary>
    [Function(nameof(ReplayDeliveries))]
    public Task<IResult> ReplayDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/partners/{partnerId}/deliveries/replay")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            var errors = new List<InvalidParameter>();
            var from = Query.Time(request, "from", errors);
            var to = Query.Time(request, "to", errors);
            if (from is not null && to is not null && to <= from)
            {
                errors.Add(new InvalidParameter("to", "Must be after 'from'."));
            }

            if (errors.Count > 0)
            {
                return HubResults.Problem(Problem.BadRequest("Invalid replay range.", errors));
            }

            if (await partners.GetAsync(partnerId, cancellationToken) is not { } partner)
            {
                return HubResults.Problem(NoPartner);
            }

            var result = await replay.ReplayAsync(partner, from!.Value, to!.Value, cancellationToken);
            await audit.RecordAsync(caller, "partner.deliveries.replayed", partnerId, $"{result.Updates} update(s) from {from:O} to {to:O}", cancellationToken);
            return HubResults.Json(result, StatusCodes.Status202Accepted);
        });
}

using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Partners;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Partners;

/// <summary>Partner administration, delivery log and replay: the admin key.</summary>
public sealed class PartnerFunctions(KeyAuthenticator keys, PartnerAdministration administration, PartnerStore partners, DeliveryLog log, ReplayService replay)
{
    private static readonly Problem NoPartner = Problem.NotFound("No such partner.");

    /// <summary><c>PUT /api/v1/admin/partners/{partnerId}</c>: 201 with the webhook secret and key (shown once), 200, 401, 422.</summary>
    [Function(nameof(PutPartner))]
    public Task<IResult> PutPartner(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<PartnerRegistration, PartnerView>(keys, request, (body, ct) => administration.PutAsync(partnerId, body, ct), cancellationToken);

    /// <summary><c>GET /api/v1/admin/partners/{partnerId}/deliveries?limit=&amp;offset=</c>: attempts newest first and dead letters; 400, 401, 404.</summary>
    [Function(nameof(ListDeliveries))]
    public Task<IResult> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/partners/{partnerId}/deliveries")] HttpRequest request,
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
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/partners/{partnerId}/deliveries/replay")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
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

            return await partners.GetAsync(partnerId, cancellationToken) is { } partner
                ? HubResults.Json(await replay.ReplayAsync(partner, from!.Value, to!.Value, cancellationToken), StatusCodes.Status202Accepted)
                : HubResults.Problem(NoPartner);
        });
}

using Mellanrum.Hub.Partners;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Partners;

/// <summary>Partner administration, delivery log and replay.</summary>
public sealed class PartnerFunctions(PartnerEndpoints partners)
{
    [Function(nameof(PutPartner))]
    public Task<IResult> PutPartner(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        partners.PutAsync(partnerId, request, cancellationToken);

    [Function(nameof(ListDeliveries))]
    public Task<IResult> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/partners/{partnerId}/deliveries")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        partners.ListDeliveriesAsync(partnerId, request, cancellationToken);

    [Function(nameof(ReplayDeliveries))]
    public Task<IResult> ReplayDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/partners/{partnerId}/deliveries/replay")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        partners.ReplayAsync(partnerId, request, cancellationToken);
}

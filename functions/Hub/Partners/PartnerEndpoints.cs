using System.Globalization;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Partners;

/// <summary>Partner administration: registration, the delivery log with dead letters, and replay.</summary>
public sealed class PartnerEndpoints(AdminAuthenticator admin, PartnerAdministration administration, PartnerStore partners, DeliveryLog log, ReplayService replay)
{
    public Task<IResult> PutAsync(string partnerId, HttpRequest request, CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<PartnerRegistration, PartnerView>(admin, request, (body, ct) => administration.PutAsync(partnerId, body, ct), cancellationToken);

    public async Task<IResult> ListDeliveriesAsync(string partnerId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin(request))
        {
            return Problem.Unauthorized();
        }

        var (paging, problem) = Paging.From(request);
        if (problem is not null)
        {
            return problem;
        }

        if (await partners.GetAsync(partnerId, cancellationToken) is null)
        {
            return Problem.NotFound("No such partner.");
        }

        var (attempts, deadLetters) = await log.ListAsync(partnerId, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new { items = attempts, deadLetters, limit = paging.Limit, offset = paging.Offset });
    }

    public async Task<IResult> ReplayAsync(string partnerId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin(request))
        {
            return Problem.Unauthorized();
        }

        var errors = new List<InvalidParameter>();
        var from = Time(request, "from", errors);
        var to = Time(request, "to", errors);
        if (from is not null && to is not null && to <= from)
        {
            errors.Add(new InvalidParameter("to", "Must be after 'from'."));
        }

        if (errors.Count > 0)
        {
            return Problem.BadRequest("Invalid replay range.", errors);
        }

        if (await partners.GetAsync(partnerId, cancellationToken) is not { } partner)
        {
            return Problem.NotFound("No such partner.");
        }

        var result = await replay.ReplayAsync(partner, from!.Value, to!.Value, cancellationToken);
        return HubResults.Json(result, StatusCodes.Status202Accepted);
    }

    private static DateTimeOffset? Time(HttpRequest request, string name, List<InvalidParameter> errors)
    {
        var raw = request.Query[name].FirstOrDefault();
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors.Add(new InvalidParameter(name, "Required: an RFC 3339 time.", Ids.Echo(raw)));
        return null;
    }
}

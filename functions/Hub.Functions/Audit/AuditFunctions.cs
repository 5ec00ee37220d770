using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Audit;

/// <summary>The audit log of administrative acts: the admin key.</summary>
public sealed class AuditFunctions(KeyAuthenticator keys, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// <c>GET /api/v1/admin/audit?from=&amp;to=&amp;limit=&amp;cursor=</c>: who (a key's id, never the key), what, when,
    /// newest first, paged by cursor; <c>from</c> defaults to 30 days ago, <c>to</c> to now; 400, 401.
    /// </summary>
    [Function(nameof(ListAudit))]
    public Task<IResult> ListAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/audit")] HttpRequest request,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
        {
            var (limit, cursor, errors) = Query.CursorPaging(request);
            var now = time.GetUtcNow();
            var from = request.Query.ContainsKey("from") ? Query.Time(request, "from", errors) : now.AddDays(-30);
            var to = request.Query.ContainsKey("to") ? Query.Time(request, "to", errors) : now.AddSeconds(1);
            if (from is not null && to is not null && to <= from)
            {
                errors.Add(new InvalidParameter("to", "Must be after 'from'."));
            }

            if (errors.Count > 0)
            {
                return HubResults.Problem(Problem.BadRequest("Invalid audit query.", errors));
            }

            try
            {
                return HubResults.Json(await audit.ListAsync(from!.Value, to!.Value, limit, cursor, cancellationToken));
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
            {
                return HubResults.Problem(Problem.BadRequest("Invalid cursor.", [new InvalidParameter("cursor", "Not a cursor of this list.")]));
            }
        });
}

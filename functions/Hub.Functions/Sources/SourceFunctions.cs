using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Sources;

/// <summary>Source administration (admin key) and a source's rejections (its own key or the admin key).</summary>
public sealed class SourceFunctions(KeyAuthenticator keys, SourceAdministration administration, RejectionStore rejections, IngestService ingest)
{
    /// <summary><c>PUT /api/v1/admin/sources/{sourceId}</c>: 201 with the secret and key (shown once), 200 updated, 401, 422.</summary>
    [Function(nameof(PutSource))]
    public Task<IResult> PutSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/sources/{sourceId}")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<SourceRegistration, SourceRegistrationResult>(keys, request, (body, ct) => administration.PutAsync(sourceId, body, ct), cancellationToken);

    /// <summary><c>POST /api/v1/admin/sources/{sourceId}/secrets</c>: 200 the new secret (shown once), 401, 404.</summary>
    [Function(nameof(RotateSourceSecret))]
    public Task<IResult> RotateSourceSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/sources/{sourceId}/secrets")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () => await administration.RotateSecretAsync(sourceId, cancellationToken) switch
        {
            AdminOutcome<SecretRotation>.Created c => HubResults.Json(c.Value),
            _ => HubResults.Problem(Problem.NotFound("No such source.")),
        });

    /// <summary><c>GET /api/v1/sources/{sourceId}/rejections?limit=&amp;offset=</c>: newest first; 400, 401.</summary>
    [Function(nameof(ListRejections))]
    public async Task<IResult> ListRejections(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/sources/{sourceId}/rejections")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken)
    {
        if (!await keys.IsAdminOrSourceAsync(request, sourceId, cancellationToken))
        {
            return HubResults.Problem(Problem.Unauthorized());
        }

        var (paging, problem) = Query.Paging(request);
        return problem is not null
            ? HubResults.Problem(problem)
            : HubResults.Json(new Page<Rejection>(await rejections.ListAsync(sourceId, paging.Limit, paging.Offset, cancellationToken), paging.Limit, paging.Offset));
    }

    /// <summary><c>POST /api/v1/sources/{sourceId}/rejections/{rejectionId}/retry</c>: as an ingest (202, 200, 4xx), 401, 404, 409.</summary>
    [Function(nameof(RetryRejection))]
    public async Task<IResult> RetryRejection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/sources/{sourceId}/rejections/{rejectionId}/retry")] HttpRequest request,
        string sourceId,
        string rejectionId,
        CancellationToken cancellationToken) =>
        await keys.IsAdminOrSourceAsync(request, sourceId, cancellationToken)
            ? IngestResults.Of(await ingest.RetryAsync(sourceId, rejectionId, cancellationToken))
            : HubResults.Problem(Problem.Unauthorized());

    /// <summary>Rejections older than the retention period (default 90 days) are deleted nightly.</summary>
    [Function(nameof(SweepRejections))]
    public Task SweepRejections([TimerTrigger("%HubRejectionSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        rejections.SweepAsync(cancellationToken);
}

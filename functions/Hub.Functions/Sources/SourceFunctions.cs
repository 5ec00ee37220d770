using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Sources;

/// <summary>Source administration and credentials (admin key) and a source's rejections (its own key or the admin key).</summary>
public sealed class SourceFunctions(KeyAuthenticator keys, AuditLog audit, SourceAdministration administration, SourceStore sources, RejectionStore rejections, IngestService ingest)
{
    private const string NoSource = "No such source.";

    /// <summary><c>PUT /api/v1/admin/sources/{sourceId}</c>: 201 with the <c>secret</c> and <c>key</c> (shown once), 200 updated, 401, 422.</summary>
    [Function(nameof(PutSource))]
    public Task<IResult> PutSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/admin/sources/{sourceId}")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<SourceRegistration, SourceRegistrationResult>(keys, audit, request, "source", sourceId, (body, ct) => administration.PutAsync(sourceId, body, ct), cancellationToken);

    /// <summary><c>GET /api/v1/admin/sources/{sourceId}</c>: 200 the source and the ids of its valid secrets and keys (never one of them), 401, 404.</summary>
    [Function(nameof(GetSource))]
    public Task<IResult> GetSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/sources/{sourceId}")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
            await administration.GetAsync(sourceId, cancellationToken) is { } source ? HubResults.Json(source) : HubResults.Problem(Problem.NotFound(NoSource)));

    /// <summary><c>POST /api/v1/admin/sources/{sourceId}/secrets</c>: 200 a new signing <c>secret</c> (shown once; the previous one works for the overlap), 401, 404.</summary>
    [Function(nameof(RotateSourceSecret))]
    public Task<IResult> RotateSourceSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/sources/{sourceId}/secrets")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        AdminPut.CredentialAsync(keys, audit, request, "source.secret.rotated", sourceId, () => administration.RotateSecretAsync(sourceId, cancellationToken), c => c.CredentialId, NoSource, cancellationToken);

    /// <summary><c>POST /api/v1/admin/sources/{sourceId}/keys</c>: 200 a new Bearer <c>key</c> (shown once; the previous one works for the overlap), 401, 404.</summary>
    [Function(nameof(RotateSourceKey))]
    public Task<IResult> RotateSourceKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/sources/{sourceId}/keys")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        AdminPut.CredentialAsync(keys, audit, request, "source.key.rotated", sourceId, () => administration.RotateKeyAsync(sourceId, cancellationToken), c => c.CredentialId, NoSource, cancellationToken);

    /// <summary>
    /// <c>DELETE /api/v1/admin/sources/{sourceId}/{kind}/{credentialId}</c> (<c>kind</c> = <c>secrets</c> or <c>keys</c>):
    /// ends that credential at once; 200 the source with the credentials still valid; 401, 404.
    /// </summary>
    [Function(nameof(RevokeSourceCredential))]
    public Task<IResult> RevokeSourceCredential(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/sources/{sourceId}/{kind}/{credentialId}")] HttpRequest request,
        string sourceId,
        string kind,
        string credentialId,
        CancellationToken cancellationToken) =>
        AdminPut.RevokeAsync(keys, audit, request, "source", sourceId, kind, credentialId, () => administration.RevokeAsync(sourceId, credentialId, cancellationToken), "No such source, or no such valid credential of it.", cancellationToken);

    /// <summary><c>GET /api/v1/sources/{sourceId}/rejections?limit=&amp;offset=</c>: newest first; 400, 401, 404 (the admin key, no such source).</summary>
    [Function(nameof(ListRejections))]
    public async Task<IResult> ListRejections(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/sources/{sourceId}/rejections")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken)
    {
        if (!await keys.IsAdminOrSourceAsync(request, sourceId, cancellationToken))
        {
            return HubResults.Problem(Problem.Unauthorized());
        }

        // A source's own key names a source; the admin key may name any id, and an empty list would hide a typo.
        if (sourceId != RejectionStore.Unattributed && keys.IsAdmin(request) && await sources.GetAsync(sourceId, cancellationToken) is null)
        {
            return HubResults.Problem(Problem.NotFound(NoSource));
        }

        var (paging, problem) = Query.Paging(request);
        return problem is not null
            ? HubResults.Problem(problem)
            : HubResults.Json(new Page<Rejection>(await rejections.ListAsync(sourceId, paging.Limit, paging.Offset, cancellationToken), paging.Limit, paging.Offset));
    }

    /// <summary><c>POST /api/v1/sources/{sourceId}/rejections/{rejectionId}/retry</c>: as an ingest (202, 200, 4xx), 401, 404, 409.</summary>
    [Function(nameof(RetryRejection))]
    public async Task<IResult> RetryRejection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/sources/{sourceId}/rejections/{rejectionId}/retry")] HttpRequest request,
        string sourceId,
        string rejectionId,
        CancellationToken cancellationToken) =>
        await keys.IsAdminOrSourceAsync(request, sourceId, cancellationToken)
            ? IngestResults.Of(await ingest.RetryAsync(sourceId, rejectionId, cancellationToken))
            : HubResults.Problem(Problem.Unauthorized());
}

using Mellanrum.Hub.Http;
using Mellanrum.Hub.Ingest;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Sources;

/// <summary>Source administration (admin key) and a source's rejections (its own key or the admin key).</summary>
public sealed class SourceEndpoints(
    AdminAuthenticator admin,
    SourceAdministration administration,
    SourceStore sources,
    RejectionStore rejections,
    IngestService ingest)
{
    public Task<IResult> PutAsync(string sourceId, HttpRequest request, CancellationToken cancellationToken) =>
        AdminPut.HandleAsync<SourceRegistration, SourceRegistrationResult>(admin, request, (body, ct) => administration.PutAsync(sourceId, body, ct), cancellationToken);

    public async Task<IResult> RotateSecretAsync(string sourceId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin(request))
        {
            return Problem.Unauthorized();
        }

        return await administration.RotateSecretAsync(sourceId, cancellationToken) switch
        {
            AdminOutcome<string>.Created c => HubResults.Json(new { id = sourceId, secret = c.Value, previousSecretValidUntil = "24h" }),
            _ => Problem.NotFound("No such source."),
        };
    }

    public async Task<IResult> ListRejectionsAsync(string sourceId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!await MaySeeAsync(sourceId, request, cancellationToken))
        {
            return Problem.Unauthorized();
        }

        var (paging, problem) = Paging.From(request);
        if (problem is not null)
        {
            return problem;
        }

        var items = await rejections.ListAsync(sourceId, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new Page<Rejection>(items, paging.Limit, paging.Offset));
    }

    public async Task<IResult> RetryRejectionAsync(string sourceId, string rejectionId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!await MaySeeAsync(sourceId, request, cancellationToken))
        {
            return Problem.Unauthorized();
        }

        return await ingest.RetryAsync(sourceId, rejectionId, cancellationToken);
    }

    private async Task<bool> MaySeeAsync(string sourceId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (AdminAuthenticator.BearerToken(request) is not { } token)
        {
            return false;
        }

        if (admin.Matches(token))
        {
            return true;
        }

        return sourceId != RejectionStore.Unattributed
            && await sources.GetAsync(sourceId, cancellationToken) is { } source
            && Credentials.KeyMatches(token, source.KeyHash);
    }
}

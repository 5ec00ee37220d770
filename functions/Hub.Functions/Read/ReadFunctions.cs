using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Read;

/// <summary>Updates and collaborations, as normalised: open to anyone.</summary>
public sealed class ReadFunctions(UpdateStore updates, CollaborationStore collaborations, OrganisationRegistry organisations)
{
    private static readonly Problem NoUpdate = Problem.NotFound("No update with that id.");
    private static readonly Problem NoCollaboration = Problem.NotFound("No collaboration with that id.");

    /// <summary><c>GET /api/v1/updates/{id}</c>: 200 the update, 404.</summary>
    [Function(nameof(GetUpdate))]
    public async Task<IResult> GetUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/updates/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await updates.GetAsync(id, cancellationToken) is { } update ? HubResults.Json(update) : HubResults.Problem(NoUpdate);

    /// <summary><c>GET /api/v1/collaborations?area=&amp;participant=&amp;limit=&amp;offset=</c>: newest activity first; 400 naming bad parameters.</summary>
    [Function(nameof(ListCollaborations))]
    public async Task<IResult> ListCollaborations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (paging, problem) = Query.Paging(request);
        var errors = problem?.InvalidParameters.ToList() ?? [];
        var area = request.Query["area"].FirstOrDefault();
        if (area is not null && !Vocabulary.Areas.Contains(area))
        {
            errors.Add(new(nameof(area), "Must be one of: " + string.Join(", ", Vocabulary.Areas) + ".", Ids.Echo(area)));
        }

        var participantRaw = request.Query["participant"].FirstOrDefault();
        string? participant = null;
        if (participantRaw is not null && !organisations.TryResolve(participantRaw, out participant!))
        {
            errors.Add(new("participant", "Not a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(participantRaw)));
        }

        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", errors));
        }

        var (items, total) = await collaborations.ListAsync(area, participant, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new Page<Collaboration>(items, paging.Limit, paging.Offset, total));
    }

    /// <summary><c>GET /api/v1/collaborations/{id}</c>: 200 the collaboration, 404.</summary>
    [Function(nameof(GetCollaboration))]
    public async Task<IResult> GetCollaboration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await collaborations.GetAsync(id, cancellationToken) is { } collaboration ? HubResults.Json(collaboration) : HubResults.Problem(NoCollaboration);

    /// <summary><c>GET /api/v1/collaborations/{id}/updates?limit=&amp;offset=</c>: newest first; 400, 404.</summary>
    [Function(nameof(ListCollaborationUpdates))]
    public async Task<IResult> ListCollaborationUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations/{id}/updates")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var (paging, problem) = Query.Paging(request);
        if (problem is not null)
        {
            return HubResults.Problem(problem);
        }

        if (await collaborations.GetAsync(id, cancellationToken) is null)
        {
            return HubResults.Problem(NoCollaboration);
        }

        var items = await updates.ListTimelineAsync(id, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new Page<NormalisedUpdate>(items, paging.Limit, paging.Offset));
    }
}

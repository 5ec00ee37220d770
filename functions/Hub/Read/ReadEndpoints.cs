using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Read;

/// <summary>The read side of the contract: updates and collaborations.</summary>
public sealed class ReadEndpoints(UpdateStore store, OrganisationRegistry organisations)
{
    public async Task<IResult> GetUpdateAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } update
            ? HubResults.Json(update)
            : Problem.NotFound("No update with that id.");

    public async Task<IResult> ListCollaborationsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (paging, problem) = Paging.From(request);
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
            return Problem.BadRequest("Invalid query parameters.", errors);
        }

        var (items, total) = await store.ListCollaborationsAsync(area, participant, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new Page<Collaboration>(items, paging.Limit, paging.Offset, total));
    }

    public async Task<IResult> GetCollaborationAsync(string id, CancellationToken cancellationToken) =>
        await store.GetCollaborationAsync(id, cancellationToken) is { } collaboration
            ? HubResults.Json(collaboration)
            : Problem.NotFound("No collaboration with that id.");

    public async Task<IResult> ListCollaborationUpdatesAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var (paging, problem) = Paging.From(request);
        if (problem is not null)
        {
            return problem;
        }

        if (await store.GetCollaborationAsync(id, cancellationToken) is null)
        {
            return Problem.NotFound("No collaboration with that id.");
        }

        var items = await store.ListTimelineAsync(id, paging.Limit, paging.Offset, cancellationToken);
        return HubResults.Json(new Page<NormalisedUpdate>(items, paging.Limit, paging.Offset));
    }
}

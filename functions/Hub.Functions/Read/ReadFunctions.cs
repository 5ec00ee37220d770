using Mellanrum.Hub.Read;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Read;

/// <summary>Updates and collaborations, as normalised.</summary>
public sealed class ReadFunctions(ReadEndpoints read)
{
    [Function(nameof(GetUpdate))]
    public Task<IResult> GetUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/updates/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        read.GetUpdateAsync(id, cancellationToken);

    [Function(nameof(ListCollaborations))]
    public Task<IResult> ListCollaborations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations")] HttpRequest request,
        CancellationToken cancellationToken) =>
        read.ListCollaborationsAsync(request, cancellationToken);

    [Function(nameof(GetCollaboration))]
    public Task<IResult> GetCollaboration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        read.GetCollaborationAsync(id, cancellationToken);

    [Function(nameof(ListCollaborationUpdates))]
    public Task<IResult> ListCollaborationUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collaborations/{id}/updates")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        read.ListCollaborationUpdatesAsync(id, request, cancellationToken);
}

using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Sources;

/// <summary>Source administration and a source's rejections.</summary>
public sealed class SourceFunctions(SourceEndpoints sources, RejectionStore rejections)
{
    [Function(nameof(PutSource))]
    public Task<IResult> PutSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/sources/{sourceId}")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        sources.PutAsync(sourceId, request, cancellationToken);

    [Function(nameof(RotateSourceSecret))]
    public Task<IResult> RotateSourceSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/sources/{sourceId}/secrets")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        sources.RotateSecretAsync(sourceId, request, cancellationToken);

    [Function(nameof(ListRejections))]
    public Task<IResult> ListRejections(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/sources/{sourceId}/rejections")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        sources.ListRejectionsAsync(sourceId, request, cancellationToken);

    [Function(nameof(RetryRejection))]
    public Task<IResult> RetryRejection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/sources/{sourceId}/rejections/{rejectionId}/retry")] HttpRequest request,
        string sourceId,
        string rejectionId,
        CancellationToken cancellationToken) =>
        sources.RetryRejectionAsync(sourceId, rejectionId, request, cancellationToken);

    /// <summary>Rejections older than the retention period (default 90 days) are deleted nightly.</summary>
    [Function(nameof(SweepRejections))]
    public Task SweepRejections([TimerTrigger("%HubRejectionSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        rejections.SweepAsync(cancellationToken);
}

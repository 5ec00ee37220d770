using Mellanrum.Hub.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Ingest;

/// <summary>Updates in: by HTTP (signed or Bearer) and from the <c>inbound-updates</c> storage queue.</summary>
public sealed class IngestFunctions(IngestService ingest)
{
    [Function(nameof(PostUpdate))]
    public Task<IResult> PostUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/sources/{sourceId}/updates")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken) =>
        ingest.HandleHttpAsync(sourceId, request, cancellationToken);

    /// <summary>Invalid messages become rejections and complete; only failures to store are retried, then poisoned.</summary>
    [Function(nameof(IngestQueuedUpdate))]
    public Task IngestQueuedUpdate(
        [QueueTrigger("%HubInboundQueue%", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        ingest.HandleQueueMessageAsync(message, cancellationToken);

    /// <summary>A message that failed every attempt is kept as a rejection an operator can see and retry.</summary>
    [Function(nameof(KeepPoisonedUpdate))]
    public Task KeepPoisonedUpdate(
        [QueueTrigger("%HubInboundQueue%-poison", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        ingest.KeepPoisonedAsync(message, cancellationToken);
}

using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Functions.Ingest;

/// <summary>Updates in: by HTTP (signed or Bearer) and from the <c>inbound-updates</c> storage queue.</summary>
public sealed class IngestFunctions(IngestService ingest, ClientAddressLimiter addresses, IOptions<IngestOptions> options)
{
    private static readonly string[] WebhookHeaders = ["webhook-id", "webhook-timestamp", "webhook-signature"];

    /// <summary>
    /// <c>POST /api/v1/sources/{sourceId}/updates</c>: 202 accepted (<c>Location</c>), 200 duplicate (also for a
    /// <c>webhook-id</c> the source used before); 400, 401 (also for repeated <c>webhook-*</c> headers), 403 (not a member),
    /// 413 (while reading, decompressed: never more than the limit is buffered), 415 (also an unknown Content-Encoding),
    /// 422, 429 (<c>Retry-After</c>; per address before any work, per source after authentication) as problems.
    /// </summary>
    [Function(nameof(PostUpdate))]
    public async Task<IResult> PostUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/sources/{sourceId}/updates")] HttpRequest request,
        string sourceId,
        CancellationToken cancellationToken)
    {
        // Before anything costs: the per-address rate, and repeated webhook-* headers (only the first could be verified).
        if (addresses.Refuse(request) is { } flood)
        {
            await ingest.RefusedAtEdgeAsync(sourceId, flood.Status, lookUp: false, cancellationToken);
            return HubResults.Problem(flood);
        }

        var refused = WebhookHeaders.Any(h => request.Headers[h].Count > 1)
            ? Problem.Unauthorized("Authentication failed: send each webhook-* header once.")
            : null;
        var body = ReadOnlyMemory<byte>.Empty;
        if (refused is null)
        {
            (body, refused) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        }

        if (refused is not null)
        {
            await ingest.RefusedAtEdgeAsync(sourceId, refused.Status, lookUp: true, cancellationToken);
            return HubResults.Problem(refused);
        }

        var credentials = new PresentedCredentials(
            KeyAuthenticator.BearerToken(request),
            request.Headers["webhook-id"].FirstOrDefault(),
            request.Headers["webhook-timestamp"].FirstOrDefault(),
            request.Headers["webhook-signature"].FirstOrDefault());
        var headers = request.Headers
            .Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase) || IngestService.KeptHeaders.Contains(h.Key.ToLowerInvariant()))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var trace = CarriedTrace.Parse(request.Headers.TraceParent.FirstOrDefault(), request.Headers.TraceState.FirstOrDefault());
        var outcome = await ingest.IngestAsync(new IngestRequest(sourceId, request.ContentType, credentials, headers, body) { Trace = trace }, cancellationToken);
        return IngestResults.Of(outcome);
    }

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

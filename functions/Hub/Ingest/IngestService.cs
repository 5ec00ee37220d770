using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Ingest;

/// <summary>What became of one payload: stored (perhaps as a duplicate) or refused with a problem (and kept as a rejection).</summary>
public abstract record IngestOutcome
{
    public sealed record Stored(NormalisedUpdate Update, bool Duplicate) : IngestOutcome;

    public sealed record Refused(Problem Problem, Rejection? Rejection) : IngestOutcome;
}

/// <summary>The body of a message on the <c>inbound-updates</c> queue.</summary>
public sealed record InboundMessage(string? SourceId, string? ContentType, JsonElement? Body, IReadOnlyDictionary<string, string>? Headers);

/// <summary>Authenticate a source, normalise, store, hand over to fan-out: for HTTP, the queue and retries alike.</summary>
public sealed class IngestService(
    SourceAuthenticator authenticator,
    SourceStore sources,
    IUpdateNormaliser normaliser,
    UpdateStore updates,
    RejectionStore rejections,
    TimeProvider time,
    IOptions<HubOptions> options,
    ILogger<IngestService> logger) : IDisposable
{
    private static readonly string[] KeptHeaders = ["webhook-id", "idempotency-key"];

    private readonly PartitionedRateLimiter<string> _rates = PartitionedRateLimiter.Create<string, string>(sourceId =>
        options.Value.Ingest.RatePerSecond == 0
            ? RateLimitPartition.GetNoLimiter(sourceId)
            : RateLimitPartition.GetTokenBucketLimiter(sourceId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Value.Ingest.RateBurst,
                TokensPerPeriod = options.Value.Ingest.RatePerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary><c>POST /api/v1/sources/{sourceId}/updates</c>.</summary>
    public async Task<IResult> HandleHttpAsync(string sourceId, HttpRequest request, CancellationToken cancellationToken)
    {
        var max = options.Value.Ingest.MaxBodyBytes;
        var body = await BodyReader.ReadAsync(request, max, cancellationToken);
        if (body is null)
        {
            return Problem.TooLarge(max);
        }

        var credentials = new PresentedCredentials(
            AdminAuthenticator.BearerToken(request),
            request.Headers["webhook-id"].FirstOrDefault(),
            request.Headers["webhook-timestamp"].FirstOrDefault(),
            request.Headers["webhook-signature"].FirstOrDefault());
        var source = await authenticator.AuthenticateAsync(sourceId, credentials, body.Value, cancellationToken);
        if (source is null)
        {
            return Problem.Unauthorized();
        }

        using var lease = _rates.AttemptAcquire(source.Id);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            return Problem.TooManyRequests(wait);
        }

        var headers = request.Headers
            .Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase) || KeptHeaders.Contains(h.Key.ToLowerInvariant()))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var outcome = await ProcessAsync(source, "http", request.ContentType, headers, body.Value, cancellationToken);
        return ToResult(outcome);
    }

    /// <summary>A message from the <c>inbound-updates</c> queue (plain UTF-8 JSON text, or the same in Base64).</summary>
    public async Task<IngestOutcome> HandleQueueMessageAsync(string message, CancellationToken cancellationToken)
    {
        var raw = Encoding.UTF8.GetBytes(message);
        var envelope = ReadEnvelope(message) ?? ReadEnvelope(TryBase64(message));
        if (envelope?.SourceId is not { } sourceId || !Ids.IsSlug(sourceId) || envelope.Body is not { } body)
        {
            var reasons = new List<InvalidParameter>();
            if (envelope is null)
            {
                reasons.Add(new InvalidParameter("$", "Not a JSON object {\"sourceId\", \"contentType\", \"body\"} (as text or Base64)."));
            }
            else
            {
                if (envelope.SourceId is null || !Ids.IsSlug(envelope.SourceId))
                {
                    reasons.Add(new InvalidParameter("sourceId", "Required: a registered source's id.", Ids.Echo(envelope.SourceId)));
                }

                if (envelope.Body is null)
                {
                    reasons.Add(new InvalidParameter("body", "Required: the update."));
                }
            }

            var rejection = await rejections.AddAsync(null, "queue", 400, "Unreadable queue message", reasons, null, new Dictionary<string, string>(), raw, cancellationToken);
            logger.LogWarning("Kept an unreadable queue message as rejection {RejectionId}", rejection.Id);
            return new IngestOutcome.Refused(Problem.BadRequest("Unreadable queue message.", reasons), rejection);
        }

        var source = await sources.GetAsync(sourceId, cancellationToken);
        if (source is null || !source.QueueIngest)
        {
            var reasons = new List<InvalidParameter> { new("sourceId", source is null ? "No such source." : "This source is not registered for queue ingest.", Ids.Echo(sourceId)) };
            // No content type: the whole queue message is kept, and a retry runs it through the queue path again.
            var rejection = await rejections.AddAsync(source is null ? null : sourceId, "queue", 401, "Source not accepted on the queue", reasons, null, new Dictionary<string, string>(), raw, cancellationToken);
            logger.LogWarning("Kept a queue message for source {SourceId} as rejection {RejectionId}: not a queue source", sourceId, rejection.Id);
            return new IngestOutcome.Refused(Problem.Unauthorized(), rejection);
        }

        var bytes = body.ValueKind == JsonValueKind.String && envelope.ContentType is not null && envelope.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetBytes(body.GetString()!)
            : Encoding.UTF8.GetBytes(body.GetRawText());
        var headers = (envelope.Headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.OrdinalIgnoreCase);
        return await ProcessAsync(source, "queue", envelope.ContentType ?? "application/json", headers, bytes, cancellationToken);
    }

    /// <summary>A queue message that failed every attempt (a storage outage, say): kept as a rejection to retry.</summary>
    public async Task KeepPoisonedAsync(string message, CancellationToken cancellationToken)
    {
        var envelope = ReadEnvelope(message) ?? ReadEnvelope(TryBase64(message));
        var sourceId = envelope?.SourceId is { } id && Ids.IsSlug(id) && await sources.GetAsync(id, cancellationToken) is not null ? id : null;
        var rejection = await rejections.AddAsync(
            sourceId,
            "queue",
            500,
            "Could not be processed after every attempt",
            [new InvalidParameter("$", "Processing failed on every attempt; see the logs for the time it was received. Retry when the cause is fixed.")],
            null,
            new Dictionary<string, string>(),
            Encoding.UTF8.GetBytes(message),
            cancellationToken);
        logger.LogError("Kept a poisoned inbound message as rejection {RejectionId}", rejection.Id);
    }

    /// <summary>Runs a kept rejection again with the source's current settings (typically after its profile was fixed).</summary>
    public async Task<IResult> RetryAsync(string sourceId, string rejectionId, CancellationToken cancellationToken)
    {
        var rejection = await rejections.GetAsync(sourceId, rejectionId, cancellationToken);
        if (rejection is null)
        {
            return Problem.NotFound("No such rejection for this source.");
        }

        if (rejection.BodyTruncated)
        {
            return Problem.Conflict("The kept body was cut at the storage limit; it cannot be run again. Send the update again instead.");
        }

        var body = Encoding.UTF8.GetBytes(rejection.Body);
        IngestOutcome outcome;
        if (rejection.Channel == "queue" && rejection.ContentType is null)
        {
            outcome = await HandleQueueMessageAsync(rejection.Body, cancellationToken);
        }
        else
        {
            var source = await sources.GetAsync(sourceId, cancellationToken);
            if (source is null)
            {
                return Problem.NotFound("The source no longer exists.");
            }

            outcome = await ProcessAsync(source, rejection.Channel, rejection.ContentType, rejection.Headers, body, cancellationToken, keepRejection: false);
        }

        var now = time.GetUtcNow();
        if (outcome is IngestOutcome.Stored stored)
        {
            await rejections.UpdateAsync(rejection with { State = "resolved", UpdateId = stored.Update.Id, RetriedAt = now }, cancellationToken);
            logger.LogInformation("Retried rejection {RejectionId} of {SourceId}: stored {UpdateId}", rejectionId, sourceId, stored.Update.Id);
        }
        else if (outcome is IngestOutcome.Refused refused)
        {
            await rejections.UpdateAsync(rejection with { Reasons = refused.Problem.InvalidParameters, Status = refused.Problem.Status, RetriedAt = now }, cancellationToken);
        }

        return ToResult(outcome);
    }

    public static IResult ToResult(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Stored { Duplicate: false } s => HubResults.Accepted($"/api/v1/updates/{s.Update.Id}", new IngestAnswer(s.Update.Id, "accepted", null)),
        IngestOutcome.Stored s => HubResults.Json(new IngestAnswer(s.Update.Id, "accepted", true)),
        IngestOutcome.Refused r => r.Problem,
        _ => throw new InvalidOperationException(),
    };

    public void Dispose() => _rates.Dispose();

    private async Task<IngestOutcome> ProcessAsync(
        Source source,
        string channel,
        string? contentType,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken,
        bool keepRejection = true)
    {
        var (payload, problem) = PayloadReader.Read(contentType, headers, body);
        if (payload is not null)
        {
            var now = time.GetUtcNow();
            var result = normaliser.Normalise(payload.Update, new NormalisationContext(source.Id, source.Organisation, source.Format == Source.ProfileFormat ? source.Profile : null, now));
            if (result.IsValid)
            {
                var key = IdempotencyKey.Select(result.Update!.ExternalId, payload.CloudEventId, headers.GetValueOrDefault("webhook-id"), headers.GetValueOrDefault("idempotency-key"));
                var id = key is null ? Ids.NewId() : Ids.Deterministic(source.Id, key);
                var stored = await updates.StoreAsync(NormalisedUpdate.Create(id, source.Id, source.Organisation, result.Update, now), cancellationToken);
                return new IngestOutcome.Stored(stored.Update, stored.Duplicate);
            }

            problem = Problem.Invalid(result.Errors);
        }

        Rejection? rejection = null;
        if (keepRejection)
        {
            rejection = await rejections.AddAsync(source.Id, channel, problem!.Status, problem.Title, problem.InvalidParameters, contentType, headers, body, cancellationToken);
            logger.LogInformation("Rejected a payload from {SourceId} with {Status}; kept as {RejectionId}", source.Id, problem.Status, rejection.Id);
        }

        return new IngestOutcome.Refused(problem!, rejection);
    }

    private static InboundMessage? ReadEnvelope(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<InboundMessage>(text, HubJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }
}

/// <summary>The answer to an accepted post.</summary>
public sealed record IngestAnswer(string Id, string Status, bool? Duplicate);

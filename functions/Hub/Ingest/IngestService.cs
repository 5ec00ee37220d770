using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Ingest;

/// <summary>Authenticate a source, normalise, store, hand over to fan-out: for HTTP, the queue and retries alike.</summary>
public sealed class IngestService(
    SourceAuthenticator authenticator,
    SourceStore sources,
    IUpdateNormaliser normaliser,
    UpdateStore updates,
    UpdateRecorder recorder,
    CollaborationStore collaborations,
    FanoutLedger ledger,
    RejectionStore rejections,
    ReplayGuard replays,
    TimeProvider time,
    IOptions<IngestOptions> options,
    ILogger<IngestService> logger) : IDisposable
{
    /// <summary>Headers ingest reads besides <c>ce-*</c>; the edge passes these on.</summary>
    public static readonly IReadOnlyList<string> KeptHeaders = ["webhook-id", "idempotency-key"];

    private readonly PartitionedRateLimiter<string> _rates = TokenBuckets.PerKey(() => (options.Value.RatePerSecond, options.Value.RateBurst));

    /// <summary>
    /// <c>POST /api/v1/sources/{sourceId}/updates</c>: authenticate, rate, read, normalise, store. The span
    /// <c>ingest</c> continues the request's trace (the server span, else the <c>traceparent</c> the caller sent), and
    /// that trace travels with the update to every partner.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var span = HubTracing.Start(HubTracing.Ingest, ActivityKind.Internal, request.Trace);
        var trace = HubTracing.Onward(span, CarriedTrace.Current.Or(request.Trace).Or(CarriedTrace.NewRoot()));
        var (outcome, source) = await IngestCoreAsync(request, trace, cancellationToken);
        Measure(span, source, outcome, time.GetElapsedTime(started));
        return outcome;
    }

    /// <summary>
    /// Counts an update the HTTP edge refused before ingest began (the per-address rate, repeated <c>webhook-*</c>
    /// headers, a body past the limit or in an unknown encoding), under its source's id when that source is registered
    /// (<paramref name="lookUp"/>: one read; false where the refusal must stay free, as for the per-address rate).
    /// </summary>
    public async Task RefusedAtEdgeAsync(string sourceId, int status, bool lookUp, CancellationToken cancellationToken)
    {
        var registered = lookUp && Ids.IsSlug(sourceId) && await sources.GetAsync(sourceId, cancellationToken) is not null;
        HubMetrics.Rejected(registered ? sourceId : HubMetrics.UnknownSource, status);
    }

    private async Task<(IngestOutcome Outcome, string Source)> IngestCoreAsync(IngestRequest request, CarriedTrace trace, CancellationToken cancellationToken)
    {
        var (authenticated, registered) = await authenticator.IdentifyAsync(request.SourceId, request.Credentials, request.Body, cancellationToken);
        if (authenticated is null)
        {
            return (new IngestOutcome.Refused(Problem.Unauthorized(), null), registered ? request.SourceId : HubMetrics.UnknownSource);
        }

        var source = authenticated.Source;

        using var lease = _rates.AttemptAcquire(source.Id);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            return (new IngestOutcome.Refused(Problem.TooManyRequests(wait), null), source.Id);
        }

        // A signed request: only what was signed keys it, and a webhook-id the source used before is a replay.
        var signedId = authenticated.Signed ? request.Credentials.WebhookId : null;
        if (signedId is not null && await replays.FirstUseAsync(source.Id, signedId, cancellationToken) is { } first
            && await updates.GetAsync(first, cancellationToken) is { } stored)
        {
            logger.LogInformation("Replayed webhook-id from {SourceId}: answered as update {UpdateId}", source.Id, stored.Id);
            return (new IngestOutcome.Stored(stored, Duplicate: true), source.Id);
        }

        return (await ProcessAsync(source, "http", request.ContentType, request.Headers, request.Body, trace, cancellationToken, signedWebhookId: signedId), source.Id);
    }

    /// <summary>
    /// A message from the <c>inbound-updates</c> queue (plain UTF-8 JSON text, or the same in Base64). A
    /// <c>traceparent</c> among the message's headers is continued, as an HTTP one is.
    /// </summary>
    public async Task<IngestOutcome> HandleQueueMessageAsync(string message, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var envelope = ReadEnvelope(message) ?? ReadEnvelope(TryBase64(message));
        using var span = HubTracing.Continue(HubTracing.Ingest, ActivityKind.Consumer, TraceOf(envelope));
        var (outcome, source) = await HandleQueueMessageAsync(message, envelope, HubTracing.Onward(span, CarriedTrace.Current.Or(TraceOf(envelope)).Or(CarriedTrace.NewRoot())), cancellationToken);
        Measure(span, source, outcome, time.GetElapsedTime(started));
        return outcome;
    }

    private async Task<(IngestOutcome Outcome, string Source)> HandleQueueMessageAsync(string message, InboundMessage? envelope, CarriedTrace trace, CancellationToken cancellationToken)
    {
        var raw = Encoding.UTF8.GetBytes(message);
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
            return (new IngestOutcome.Refused(Problem.BadRequest("Unreadable queue message.", reasons), rejection), HubMetrics.UnknownSource);
        }

        var source = await sources.GetAsync(sourceId, cancellationToken);
        if (source is null || !source.QueueIngest)
        {
            var reasons = new List<InvalidParameter> { new("sourceId", source is null ? "No such source." : "This source is not registered for queue ingest.", Ids.Echo(sourceId)) };
            // No content type: the whole queue message is kept, and a retry runs it through the queue path again.
            var rejection = await rejections.AddAsync(source is null ? null : sourceId, "queue", 401, "Source not accepted on the queue", reasons, null, new Dictionary<string, string>(), raw, cancellationToken);
            logger.LogWarning("Kept a queue message for source {SourceId} as rejection {RejectionId}: not a queue source", sourceId, rejection.Id);
            return (new IngestOutcome.Refused(Problem.Unauthorized(), rejection), source is null ? HubMetrics.UnknownSource : sourceId);
        }

        var bytes = body.ValueKind == JsonValueKind.String && envelope.ContentType is not null && envelope.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetBytes(body.GetString()!)
            : Encoding.UTF8.GetBytes(body.GetRawText());
        var headers = (envelope.Headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.OrdinalIgnoreCase);
        return (await ProcessAsync(source, "queue", envelope.ContentType ?? "application/json", headers, bytes, trace, cancellationToken), source.Id);
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
    public async Task<IngestOutcome> RetryAsync(string sourceId, string rejectionId, CancellationToken cancellationToken)
    {
        var rejection = await rejections.GetAsync(sourceId, rejectionId, cancellationToken);
        if (rejection is null)
        {
            return new IngestOutcome.Refused(Problem.NotFound("No such rejection for this source."), null);
        }

        if (rejection.State == "resolved")
        {
            return new IngestOutcome.Refused(Problem.Conflict($"This rejection was resolved already: it stored update {rejection.UpdateId}."), null);
        }

        if (rejection.BodyTruncated)
        {
            return new IngestOutcome.Refused(Problem.Conflict("The kept body was cut at the storage limit; it cannot be run again. Send the update again instead."), null);
        }

        if (rejection.BodyMasked)
        {
            return new IngestOutcome.Refused(Problem.Conflict("The kept body held a personnummer, which was masked before it was kept; it cannot be run again. Send the update again without it."), null);
        }

        var body = Encoding.UTF8.GetBytes(rejection.Body);
        IngestOutcome outcome;
        if (rejection.Channel == "queue" && rejection.ContentType is null)
        {
            outcome = (await HandleQueueMessageAsync(rejection.Body, ReadEnvelope(rejection.Body) ?? ReadEnvelope(TryBase64(rejection.Body)), CarriedTrace.Current, cancellationToken)).Outcome;
        }
        else
        {
            var source = await sources.GetAsync(sourceId, cancellationToken);
            if (source is null)
            {
                return new IngestOutcome.Refused(Problem.NotFound("The source no longer exists."), null);
            }

            outcome = await ProcessAsync(source, rejection.Channel, rejection.ContentType, rejection.Headers, body, CarriedTrace.Current, cancellationToken, keepRejection: false);
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

        return outcome;
    }

    public void Dispose() => _rates.Dispose();

    private async Task<IngestOutcome> ProcessAsync(
        Source source,
        string channel,
        string? contentType,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlyMemory<byte> body,
        CarriedTrace trace,
        CancellationToken cancellationToken,
        bool keepRejection = true,
        string? signedWebhookId = null)
    {
        var (payload, problem) = PayloadReader.Read(contentType, headers, body);
        if (payload is not null)
        {
            var now = time.GetUtcNow();
            var result = normaliser.Normalise(payload.Update, new NormalisationContext(source.Id, source.Organisation, source.Format == Source.ProfileFormat ? source.Profile : null, now));
            if (result.IsValid)
            {
                // Signed: only signed material keys it (externalId in the body, else the webhook-id); unsigned headers such
                // as ce-id or Idempotency-Key never make a signed request count as new.
                var key = signedWebhookId is not null
                    ? IdempotencyKey.Select(result.Update!.ExternalId, null, signedWebhookId, null)
                    : IdempotencyKey.Select(result.Update!.ExternalId, payload.CloudEventId, headers.GetValueOrDefault("webhook-id"), headers.GetValueOrDefault("idempotency-key"));
                var id = key is null ? Ids.NewId() : Ids.Deterministic(source.Id, key);
                var update = NormalisedUpdate.Create(id, source.Id, source.Organisation, result.Update, now);

                // Only a member speaks for a collaboration (the first update to an unknown id creates it).
                var collaboration = await collaborations.ReadAsync(update.Collaboration, cancellationToken);
                problem = CollaborationRules.MayPost(collaboration.Collaboration, update.Organisation, update.Participants);
                if (problem is null)
                {
                    var (stored, refused) = await StoreAsync(update, collaboration, trace, cancellationToken);
                    if (stored is not null)
                    {
                        if (signedWebhookId is not null)
                        {
                            await replays.RecordAsync(source.Id, signedWebhookId, stored.Update.Id, cancellationToken);
                        }

                        return new IngestOutcome.Stored(stored.Update, stored.Duplicate);
                    }

                    problem = refused;
                }
            }
            else
            {
                problem = Problem.Invalid(result.Errors, result.OmittedErrors);
            }
        }

        Rejection? rejection = null;
        if (keepRejection)
        {
            rejection = await rejections.AddAsync(source.Id, channel, problem!.Status, problem.Title, problem.InvalidParameters, contentType, headers, body, cancellationToken);
            logger.LogInformation("Rejected a payload from {SourceId} with {Status}; kept as {RejectionId}", source.Id, problem.Status, rejection.Id);
        }

        return new IngestOutcome.Refused(problem!, rejection);
    }

    /// <summary>
    /// Stores an update durably, then records it in its collaboration and asks for its fan-out. The outbox row comes
    /// first, so a crash after the insert (the commit point, after which a 2xx may be answered) leaves a row that the
    /// sweep completes; everything after the insert is idempotent.
    /// </summary>
    private async Task<(StoreResult? Stored, Problem? Refused)> StoreAsync(NormalisedUpdate update, CollaborationState collaboration, CarriedTrace trace, CancellationToken cancellationToken)
    {
        await ledger.OpenAsync(update.Id, cancellationToken, trace);
        var stored = await updates.InsertAsync(update, cancellationToken, trace);
        if (stored.Duplicate)
        {
            return (stored, null);
        }

        // The insert just made the update, so it has no sequence yet: no need to read it back.
        var recorded = await recorder.RecordAsync(update, knownSequence: null, unread: false, cancellationToken, collaboration, justStored: true);
        if (recorded.Refused is { } refused)
        {
            // Another organisation created the collaboration in between: the update was not kept, nothing is owed.
            await ledger.CloseAsync(update.Id, cancellationToken);
            return (null, refused);
        }

        await ledger.RequestAsync(update.Id, cancellationToken, trace);
        return (stored, null);
    }

    /// <summary>The update's metrics and its span's outcome: under a registered source's id, else <c>unknown</c>.</summary>
    private static void Measure(Activity? span, string source, IngestOutcome outcome, TimeSpan elapsed)
    {
        switch (outcome)
        {
            case IngestOutcome.Stored stored:
                HubMetrics.Accepted(source, stored.Duplicate);
                span?.SetTag(HubTracing.UpdateTag, stored.Update.Id).SetTag(HubTracing.OutcomeTag, stored.Duplicate ? "duplicate" : "accepted");
                break;
            case IngestOutcome.Refused refused:
                HubMetrics.Rejected(source, refused.Problem.Status);
                span?.SetTag(HubTracing.OutcomeTag, "rejected").SetTag("hub.status", refused.Problem.Status);
                break;
        }

        span?.SetTag(HubTracing.SourceTag, source);
        HubMetrics.Ingested(source, elapsed);
    }

    /// <summary>The trace context a queue message's headers carry, if any.</summary>
    private static CarriedTrace TraceOf(InboundMessage? envelope)
    {
        if (envelope?.Headers is not { Count: > 0 } headers)
        {
            return default;
        }

        string? Find(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return CarriedTrace.Parse(Find(CarriedTrace.ParentHeader), Find(CarriedTrace.StateHeader));
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

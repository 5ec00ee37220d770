using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>
/// Sends ONE signed webhook delivery and says what happened. Never throws for HTTP or network failures (only for a
/// cancelled <see cref="CancellationToken"/>); it does not retry: the caller re-queues according to
/// <see cref="WebhookRetrySchedule"/>. Safe as a singleton (the HttpClient comes from IHttpClientFactory per call).
/// </summary>
public sealed partial class WebhookSender(
    IHttpClientFactory httpClientFactory,
    WebhookTargetValidator validator,
    TimeProvider timeProvider,
    ILogger<WebhookSender> logger)
{
    public const string ContentType = "application/cloudevents+json";
    public const string UserAgent = "Mellanrum-Hub-Webhooks/1.0";

    public async Task<WebhookAttemptResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var started = timeProvider.GetTimestamp();

        var target = validator.CheckUrl(delivery.Url);
        if (!target.IsAllowed)
        {
            return Report(delivery, new WebhookAttemptResult(
                WebhookOutcome.Refused, WebhookFailure.TargetRefused, null, TimeSpan.Zero, Reason: target.Reason));
        }

        var keys = new List<byte[]>(delivery.Secrets.Count);
        foreach (var secret in delivery.Secrets)
        {
            if (!WebhookSignature.TryReadKey(secret, out var key))
            {
                return Report(delivery, new WebhookAttemptResult(
                    WebhookOutcome.Failed, WebhookFailure.InvalidSecret, null, TimeSpan.Zero,
                    Reason: "the partner's signing secret is not a valid whsec_ key"));
            }

            keys.Add(key);
        }

        if (keys.Count == 0)
        {
            return Report(delivery, new WebhookAttemptResult(
                WebhookOutcome.Failed, WebhookFailure.InvalidSecret, null, TimeSpan.Zero,
                Reason: "the partner has no valid signing secret (revoked): rotate it to get a new one"));
        }

        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new ReadOnlyMemoryContent(delivery.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, delivery.WebhookId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        // During a rotation's overlap, one signature per valid secret, newest first (Standard Webhooks: space-separated).
        request.Headers.TryAddWithoutValidation(
            WebhookSignature.SignatureHeader, string.Join(' ', keys.Select(k => WebhookSignature.Sign(k, delivery.WebhookId, timestamp, delivery.Body.Span))));
        request.Headers.UserAgent.ParseAdd(UserAgent);

        // The update's trace (W3C Trace Context). HttpClient adds its own span's traceparent when that span is part of the
        // same trace; otherwise (no listener, or only another trace's span) the one carried is sent as it is.
        if (delivery.Trace.TryGetContext(out var trace) && Activity.Current?.TraceId != trace.TraceId)
        {
            request.Headers.TryAddWithoutValidation(CarriedTrace.ParentHeader, delivery.Trace.Parent);
            if (delivery.Trace.State is { } state)
            {
                request.Headers.TryAddWithoutValidation(CarriedTrace.StateHeader, state);
            }
        }

        WebhookAttemptResult result;
        try
        {
            var client = httpClientFactory.CreateClient(WebhookPipelines.ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            result = FromResponse(response, timeProvider.GetElapsedTime(started), timeProvider.GetUtcNow());
        }
        catch (BrokenCircuitException exception)
        {
            result = new WebhookAttemptResult(
                WebhookOutcome.RetryLater, WebhookFailure.CircuitOpen, null, timeProvider.GetElapsedTime(started),
                exception.RetryAfter, "the endpoint's circuit is open after repeated failures");
        }
        catch (TimeoutRejectedException)
        {
            result = TimedOut(started);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = TimedOut(started); // HttpClient.Timeout, the backstop behind the pipeline's timeout
        }
        catch (HttpRequestException exception) when (FindRefusal(exception) is { } refusal)
        {
            result = new WebhookAttemptResult(
                WebhookOutcome.Refused, WebhookFailure.TargetRefused, null, timeProvider.GetElapsedTime(started),
                Reason: refusal.Message);
        }
        catch (HttpRequestException exception)
        {
            result = new WebhookAttemptResult(
                WebhookOutcome.RetryLater, WebhookFailure.Network, null, timeProvider.GetElapsedTime(started),
                Reason: $"network error ({exception.HttpRequestError})");
        }

        return Report(delivery, result);
    }

    private static WebhookAttemptResult FromResponse(HttpResponseMessage response, TimeSpan latency, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new(WebhookOutcome.Delivered, WebhookFailure.None, status, latency),
            410 => new(WebhookOutcome.Gone, WebhookFailure.Status, status, latency, Reason: "the endpoint answered 410 Gone"),
            429 or 503 => new(WebhookOutcome.RetryLater, WebhookFailure.Status, status, latency,
                RetryAfterHeader.Read(response.Headers.RetryAfter, now), $"the endpoint answered {status}"),
            408 or >= 500 => new(WebhookOutcome.RetryLater, WebhookFailure.Status, status, latency, Reason: $"the endpoint answered {status}"),
            >= 300 and < 400 => new(WebhookOutcome.Failed, WebhookFailure.Redirect, status, latency,
                Reason: $"the endpoint answered {status}, a redirect, which is not followed"),
            _ => new(WebhookOutcome.Failed, WebhookFailure.Status, status, latency, Reason: $"the endpoint answered {status}"),
        };
    }

    private WebhookAttemptResult TimedOut(long started) => new(
        WebhookOutcome.RetryLater, WebhookFailure.Timeout, null, timeProvider.GetElapsedTime(started),
        Reason: "the endpoint did not answer in time");

    private static WebhookTargetRefusedException? FindRefusal(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is WebhookTargetRefusedException refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private WebhookAttemptResult Report(WebhookDelivery delivery, WebhookAttemptResult result)
    {
        if (result.IsDelivered)
        {
            LogDelivered(delivery.WebhookId, delivery.PartnerId, result.StatusCode, result.Latency.TotalMilliseconds);
        }
        else
        {
            LogNotDelivered(delivery.WebhookId, delivery.PartnerId, result.Outcome, result.Failure, result.StatusCode, result.Reason);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Webhook {WebhookId} delivered to partner {PartnerId}: {StatusCode} in {LatencyMs} ms")]
    private partial void LogDelivered(string webhookId, string partnerId, int? statusCode, double latencyMs);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook {WebhookId} to partner {PartnerId} not delivered: {Outcome} ({Failure}, status {StatusCode}): {Reason}")]
    private partial void LogNotDelivered(
        string webhookId, string partnerId, WebhookOutcome outcome, WebhookFailure failure, int? statusCode, string? reason);
}

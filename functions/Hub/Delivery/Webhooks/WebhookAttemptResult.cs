namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>What the hub should do about a delivery after one attempt.</summary>
public enum WebhookOutcome
{
    /// <summary>2xx: done.</summary>
    Delivered,

    /// <summary>Timeout, network error, 408, 429, 5xx or open circuit: send again later (see <see cref="WebhookRetrySchedule"/>).</summary>
    RetryLater,

    /// <summary>410 Gone: the partner retired the endpoint; disable the channel.</summary>
    Gone,

    /// <summary>The target is not allowed (URL or resolved address): dead-letter at once, nothing was sent.</summary>
    Refused,

    /// <summary>A permanent failure (other 4xx, a redirect, an unusable secret): dead-letter, retrying will not help.</summary>
    Failed,
}

/// <summary>Why an attempt did not deliver, for the delivery log.</summary>
public enum WebhookFailure
{
    None,
    Timeout,
    Network,
    CircuitOpen,
    Status,
    Redirect,
    TargetRefused,
    InvalidSecret,
}

/// <summary>
/// The result of one attempt. <paramref name="RetryAfter"/> is the wait the endpoint asked for (<c>Retry-After</c> on
/// 429 or 503) or the rest of an open circuit's break; <paramref name="Reason"/> never holds a secret or a body.
/// </summary>
public sealed record WebhookAttemptResult(
    WebhookOutcome Outcome,
    WebhookFailure Failure,
    int? StatusCode,
    TimeSpan Latency,
    TimeSpan? RetryAfter = null,
    string? Reason = null)
{
    public bool IsDelivered => Outcome == WebhookOutcome.Delivered;
}

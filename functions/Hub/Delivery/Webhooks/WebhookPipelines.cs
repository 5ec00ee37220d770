namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>The names of the webhook HttpClient and its Polly pipeline, in one place.</summary>
public static class WebhookPipelines
{
    /// <summary>The named <see cref="System.Net.Http.HttpClient"/> that sends webhook deliveries.</summary>
    public const string ClientName = "hub-webhooks";

    /// <summary>
    /// The resilience handler of <see cref="ClientName"/>: a circuit breaker and a timeout, one pipeline instance per
    /// endpoint authority (scheme, host, port), and no retry (retries are re-queued deliveries).
    /// </summary>
    public const string DeliveryPipeline = "hub-webhook-delivery";
}

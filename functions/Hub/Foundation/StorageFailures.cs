using System.Net.Sockets;
using Azure;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Failures of the hub's own storage that mean "not now" rather than "never": a 408, 429 or 5xx from Table or Queue
/// Storage (also after the SDK's own retries, an <see cref="AggregateException"/> of them), a connection that failed or
/// timed out. A request that meets one is answered 503 with <c>Retry-After</c>, never a 500: the caller sends the same
/// request again, and its idempotency key makes a repeat the first update's duplicate.
/// </summary>
public static class StorageFailures
{
    /// <summary>The <c>Retry-After</c> a 503 for a storage failure carries.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool IsTransient(Exception failure) => failure switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        RequestFailedException => false,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>The answer to a request that met a transient storage failure.</summary>
    public static Problem Unavailable() =>
        new(503, "Service unavailable", "The hub's storage did not answer in time. Send the same request again after Retry-After: a repeat of its idempotency key is answered as the first.", [], RetryAfter);
}

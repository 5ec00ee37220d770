using System.Net.Sockets;
using Azure;
using Azure.Messaging.ServiceBus;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Maps any failure of a channel send (or of handing a delivery to the <c>deliveries</c> queue) to an outcome, by
/// exception type and status: <see cref="SendResult.Permanent"/> only where sending the same thing again cannot help
/// (the entity does not exist or is disabled, the event is too large, the request is malformed or refused for good),
/// <see cref="SendResult.Transient"/> for everything else, unknown exceptions included. The reason names the kind of
/// failure, never a body, key or connection string.
/// </summary>
public static class ChannelFailures
{
    public static ChannelOutcome Classify(Exception exception, TimeSpan latency) => exception switch
    {
        ServiceBusException e => e.Reason switch
        {
            ServiceBusFailureReason.MessagingEntityNotFound => new(SendResult.Permanent, latency, "The partner's Service Bus queue does not exist."),
            ServiceBusFailureReason.MessagingEntityDisabled => new(SendResult.Permanent, latency, "The partner's Service Bus queue is disabled."),
            ServiceBusFailureReason.MessageSizeExceeded => new(SendResult.Permanent, latency, "The event is larger than the Service Bus message size limit."),
            ServiceBusFailureReason.QuotaExceeded => new(SendResult.Transient, latency, "Service Bus: the partner's queue is full (QuotaExceeded); the partner is not reading."),
            _ => new(SendResult.Transient, latency, "Service Bus: " + e.Reason),
        },
        RequestFailedException { Status: 400 or 413 } e => new(SendResult.Permanent, latency, $"The storage service refused the message ({e.Status}{Code(e)})."),
        RequestFailedException e => new(SendResult.Transient, latency, $"Storage: {e.Status}{Code(e)}"),
        UnauthorizedAccessException => new(SendResult.Permanent, latency, "The hub may not send to the partner's queue."),
        AggregateException e => Aggregate(e, latency),
        TimeoutException or OperationCanceledException => new(SendResult.Transient, latency, "The send timed out."),
        HttpRequestException or IOException or SocketException => new(SendResult.Transient, latency, "Network error (" + exception.GetType().Name + ")."),
        _ => new(SendResult.Transient, latency, "Unexpected error (" + exception.GetType().Name + ")."),
    };

    /// <summary>After the SDK's own retries: permanent only when every attempt failed for good; otherwise the last attempt's reason.</summary>
    private static ChannelOutcome Aggregate(AggregateException exception, TimeSpan latency)
    {
        var inner = exception.Flatten().InnerExceptions.Select(e => Classify(e, latency)).ToArray();
        if (inner.Length == 0)
        {
            return new(SendResult.Transient, latency, "Unexpected error (AggregateException).");
        }

        return inner.All(o => o.Result == SendResult.Permanent)
            ? inner[^1]
            : inner.Last(o => o.Result == SendResult.Transient) with { Error = $"Failed after {inner.Length} attempt(s); last: {inner[^1].Error}" };
    }

    private static string Code(RequestFailedException e) => string.IsNullOrEmpty(e.ErrorCode) ? string.Empty : ", " + e.ErrorCode;
}

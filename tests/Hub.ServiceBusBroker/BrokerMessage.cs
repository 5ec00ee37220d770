namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>A read-only view of a message held by the <see cref="TestServiceBusBroker"/>.</summary>
public sealed record BrokerMessage(
    long SequenceNumber,
    string? MessageId,
    string? Subject,
    string? ContentType,
    string? CorrelationId,
    IReadOnlyDictionary<string, object?> ApplicationProperties,
    ReadOnlyMemory<byte> Body,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime,
    bool IsLocked)
{
    /// <summary>The dead-letter reason, for messages read from a dead-letter queue.</summary>
    public string? DeadLetterReason =>
        ApplicationProperties.TryGetValue(AmqpNames.DeadLetterReasonProperty, out var value) ? value as string : null;

    /// <summary>The dead-letter error description, for messages read from a dead-letter queue.</summary>
    public string? DeadLetterErrorDescription =>
        ApplicationProperties.TryGetValue(AmqpNames.DeadLetterDescriptionProperty, out var value) ? value as string : null;
}

using Amqp;
using Amqp.Framing;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>A message in a queue: its encoded AMQP bytes as the sender sent them, plus broker state.</summary>
internal sealed class StoredMessage(long sequenceNumber, byte[] payload, DateTimeOffset enqueuedTime)
{
    public long SequenceNumber { get; } = sequenceNumber;
    public byte[] Payload { get; set; } = payload;
    public DateTimeOffset EnqueuedTime { get; } = enqueuedTime;
    public int DeliveryCount { get; set; }
    public Guid? LockToken { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
    public ConsumerEndpoint? Holder { get; set; }

    public Message Decode() => Message.Decode(new ByteBuffer(Payload, 0, Payload.Length, Payload.Length));

    /// <summary>The message as it goes out: the sender's sections plus the broker's annotations.</summary>
    public Message ToOutgoing(string? deadLetterSource)
    {
        var message = Decode();
        message.Header ??= new Header();
        message.Header.DeliveryCount = (uint)DeliveryCount;
        message.MessageAnnotations ??= new MessageAnnotations();
        message.MessageAnnotations[AmqpNames.SequenceNumber] = SequenceNumber;
        message.MessageAnnotations[AmqpNames.EnqueuedTime] = EnqueuedTime.UtcDateTime;
        if (LockToken is { } token)
        {
            message.MessageAnnotations[AmqpNames.LockToken] = token;
            message.MessageAnnotations[AmqpNames.LockedUntil] = LockedUntil.UtcDateTime;
        }

        if (deadLetterSource is not null)
        {
            message.MessageAnnotations[AmqpNames.DeadLetterSource] = deadLetterSource;
        }

        return message;
    }

    public BrokerMessage ToView()
    {
        var message = Decode();
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (message.ApplicationProperties is { } applicationProperties)
        {
            foreach (var (key, value) in applicationProperties.Map)
            {
                properties[key.ToString() ?? string.Empty] = value;
            }
        }

        return new BrokerMessage(
            SequenceNumber,
            message.Properties?.GetMessageId()?.ToString(),
            message.Properties?.Subject,
            message.Properties?.ContentType?.ToString(),
            message.Properties?.GetCorrelationId()?.ToString(),
            properties,
            BodyBytes(message),
            DeliveryCount,
            EnqueuedTime,
            LockToken is not null);
    }

    public static byte[] Encode(Message message)
    {
        var buffer = message.Encode();
        return buffer.Buffer.AsSpan(buffer.Offset, buffer.Length).ToArray();
    }

    static byte[] BodyBytes(Message message) => message.Body switch
    {
        byte[] bytes => bytes,
        Data[] sections => [.. sections.SelectMany(section => section.Binary)],
        string text => System.Text.Encoding.UTF8.GetBytes(text),
        _ => [],
    };
}

using Amqp.Handler;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>
/// Makes the delivery tag of each PeekLock delivery the lock token's 16 bytes: the SDK reads the lock token
/// from the tag. AMQPNetLite offers no other way to choose a listener link's delivery tag.
/// </summary>
internal sealed class DeliveryTagHandler : IHandler
{
    public bool CanHandle(EventId id) => id == EventId.SendDelivery;

    public void Handle(Event protocolEvent)
    {
        if (protocolEvent.Context is IDelivery { Message.MessageAnnotations: { } annotations } delivery
            && annotations.Map.TryGetValue(AmqpNames.LockToken, out var value)
            && value is Guid lockToken)
        {
            delivery.Tag = lockToken.ToByteArray();
        }
    }
}

using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>
/// A link on which the broker sends messages to an SDK receiver. Credit is tracked here (under the queue's
/// gate) and every flow, a drain included, reaches the queue's pump: AMQPNetLite's own message-source
/// endpoint leaves a drain unanswered while it waits for a message, which makes receivers hang on close.
/// </summary>
internal sealed class ConsumerEndpoint(BrokerQueue queue, ListenerLink link, BrokerContext context) : LinkEndpoint
{
    volatile bool closed;

    public ListenerLink Link { get; } = link;

    /// <summary>Link credit as the broker sees it; read and written under the queue's gate.</summary>
    public int Credit { get; set; }

    public bool IsOpen => !closed && !Link.IsClosed;

    public override void OnFlow(FlowContext flowContext) => queue.OnCredit(this, flowContext.Messages);

    public override void OnDisposition(DispositionContext dispositionContext)
    {
        if (dispositionContext.Message.MessageAnnotations?[AmqpNames.LockToken] is not Guid lockToken)
        {
            return;
        }

        var (result, outcome) = dispositionContext.DeliveryState switch
        {
            Accepted => (queue.Complete(lockToken), (Outcome)new Accepted()),
            Rejected rejected => (DeadLetter(lockToken, rejected.Error), new Rejected()),
            Modified modified => (queue.Abandon(lockToken, countDelivery: true), new Modified { DeliveryFailed = modified.DeliveryFailed }),
            Released => (queue.Abandon(lockToken, countDelivery: false), new Released()),
            _ => (SettleResult.Done, new Accepted()),
        };

        if (dispositionContext.Settled)
        {
            return;
        }

        if (result == SettleResult.LockLost)
        {
            outcome = new Rejected
            {
                Error = new Error(AmqpNames.MessageLockLost) { Description = "The lock on the message is lost or has expired." },
            };
        }

        Link.DisposeMessage(dispositionContext.Message, outcome, settled: true);
    }

    public override void OnLinkClosed(ListenerLink link, Error error)
    {
        closed = true;
        queue.RemoveConsumer(this);
    }

    public void Send(StoredMessage stored, Message message)
    {
        try
        {
            Link.SendMessage(message);
        }
        catch (AmqpException exception)
        {
            context.Log?.Invoke($"Delivery of {stored.SequenceNumber} on {queue.Name} failed: {exception.Error?.Condition}");
            if (stored.LockToken is { } token)
            {
                queue.Abandon(token, countDelivery: false);
            }
        }
    }

    public void CompleteDrain()
    {
        if (IsOpen)
        {
            Link.CompleteDrain();
        }
    }

    SettleResult DeadLetter(Guid lockToken, Error? error)
    {
        var info = error?.Info;
        return queue.DeadLetter(
            lockToken,
            info?[new Amqp.Types.Symbol(AmqpNames.DeadLetterReasonProperty)] as string,
            info?[new Amqp.Types.Symbol(AmqpNames.DeadLetterDescriptionProperty)] as string);
    }
}

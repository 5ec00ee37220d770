using Amqp.Framing;
using Amqp.Listener;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>A link on which an SDK sender sends to a queue; a batch (format 0x80013700) is split into its messages.</summary>
internal sealed class ProducerEndpoint(BrokerQueue queue) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext)
    {
        if (queue.RefusedWith is { } condition)
        {
            Interlocked.Increment(ref queue.Refused);
            messageContext.Complete(new Error(condition) { Description = "Refused by the test broker." });
            return;
        }

        var message = messageContext.Message;
        List<byte[]> payloads;
        if (message.Format == AmqpNames.BatchMessageFormat)
        {
            payloads = message.Body switch
            {
                Data[] sections => [.. sections.Select(section => section.Binary)],
                byte[] single => [single],
                _ => [],
            };
        }
        else
        {
            payloads = [StoredMessage.Encode(message)];
        }

        queue.Enqueue(payloads);
        messageContext.Complete();
    }

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }
}

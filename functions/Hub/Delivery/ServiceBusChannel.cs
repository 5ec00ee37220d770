using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The <c>servicebus</c> channel: the partner's Service Bus queue <c>partner-{id}</c>, in <see cref="ServiceBusMessageBatch"/>es
/// split at the size limit; <c>MessageId</c> = update id for broker duplicate detection, <c>Subject</c> = kind.
/// </summary>
public sealed class ServiceBusChannel(ServiceBusConnection connection)
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new();

    public async Task<ChannelOutcome> SendAsync(string partnerId, IReadOnlyList<OutboundEvent> events, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            return new ChannelOutcome(SendResult.Permanent, TimeSpan.Zero, "No Service Bus namespace is configured for this hub.");
        }

        var watch = Stopwatch.StartNew();
        var sender = _senders.GetOrAdd(partnerId, id => client.CreateSender(PartnerQueues.QueueName(id)));
        try
        {
            var pending = new Queue<OutboundEvent>(events);
            while (pending.Count > 0)
            {
                using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
                while (pending.Count > 0 && batch.TryAddMessage(ToMessage(pending.Peek())))
                {
                    pending.Dequeue();
                }

                if (batch.Count == 0)
                {
                    return new ChannelOutcome(SendResult.Permanent, watch.Elapsed, "An event is larger than the Service Bus message size limit.");
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
            }

            return new ChannelOutcome(SendResult.Delivered, watch.Elapsed);
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            return new ChannelOutcome(SendResult.Permanent, watch.Elapsed, "The partner's Service Bus queue does not exist.");
        }
        catch (ServiceBusException e) when (e.IsTransient || e.Reason is ServiceBusFailureReason.ServiceBusy or ServiceBusFailureReason.ServiceTimeout or ServiceBusFailureReason.ServiceCommunicationProblem)
        {
            return new ChannelOutcome(SendResult.Transient, watch.Elapsed, "Service Bus: " + e.Reason);
        }
        catch (UnauthorizedAccessException)
        {
            return new ChannelOutcome(SendResult.Permanent, watch.Elapsed, "The hub may not send to the partner's Service Bus queue.");
        }
    }

    public static ServiceBusMessage ToMessage(OutboundEvent e)
    {
        var message = new ServiceBusMessage(e.Body)
        {
            MessageId = e.UpdateId,
            Subject = e.Kind,
            ContentType = OutboundEvent.ContentType,
        };
        message.ApplicationProperties["organisation"] = e.Organisation;
        message.ApplicationProperties["collaboration"] = e.Collaboration;
        message.ApplicationProperties["kind"] = e.Kind;
        if (e.Area is not null)
        {
            message.ApplicationProperties["area"] = e.Area;
        }

        if (e.Sequence is { } sequence)
        {
            message.ApplicationProperties["sequence"] = sequence;
        }

        return message;
    }
}

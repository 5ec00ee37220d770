using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Mellanrum.Hub.Delivery.Chaos;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The <c>servicebus</c> channel: the partner's Service Bus queue <c>partner-{id}</c>, in <see cref="ServiceBusMessageBatch"/>es
/// split at the size limit; <c>MessageId</c> = update id for broker duplicate detection (a hub retry is a true duplicate),
/// <c>Subject</c> = kind. A replay is a new message: a <c>MessageId</c> of its own (the broker's duplicate detection would
/// drop it inside its window) and the application property <c>replay</c> = true; consumers still dedupe by the CloudEvent
/// id. The trace travels as the application properties <c>Diagnostic-Id</c> (what the Azure SDK and Application
/// Insights read) and <c>traceparent</c> (with <c>tracestate</c> when there is one), the context of the delivery's span.
/// Every failure is answered as an outcome (<see cref="ChannelFailures"/>), never thrown.
/// </summary>
public sealed class ServiceBusChannel(ServiceBusConnection connection, HubChaos chaos)
{
    public const string ReplayProperty = "replay";

    /// <summary>The application property the Azure SDK's own tracing reads and writes (it leaves a set one alone).</summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new();

    /// <summary>Sends <paramref name="events"/>; each message carries <paramref name="trace"/> (the delivery's span), else its event's own.</summary>
    public async Task<ChannelOutcome> SendAsync(string partnerId, IReadOnlyList<OutboundEvent> events, CancellationToken cancellationToken, bool replay = false, CarriedTrace trace = default)
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
                while (pending.Count > 0 && batch.TryAddMessage(ToMessage(pending.Peek(), replay, trace)))
                {
                    pending.Dequeue();
                }

                if (batch.Count == 0)
                {
                    return new ChannelOutcome(SendResult.Permanent, watch.Elapsed, "An event is larger than the Service Bus message size limit.");
                }

                await chaos.ServiceBus.ExecuteAsync(async token => await sender.SendMessagesAsync(batch, token), cancellationToken);
            }

            return new ChannelOutcome(SendResult.Delivered, watch.Elapsed);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ChannelFailures.Classify(e, watch.Elapsed);
        }
    }

    public static ServiceBusMessage ToMessage(OutboundEvent e, bool replay = false, CarriedTrace trace = default)
    {
        var message = new ServiceBusMessage(e.Body)
        {
            MessageId = replay ? Ids.NewId() : e.UpdateId,
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

        if (replay)
        {
            message.ApplicationProperties[ReplayProperty] = true;
        }

        if (trace.Or(e.Trace) is { Parent: { } parent } carried)
        {
            message.ApplicationProperties[DiagnosticIdProperty] = parent;
            message.ApplicationProperties[CarriedTrace.ParentHeader] = parent;
            if (carried.State is { } state)
            {
                message.ApplicationProperties[CarriedTrace.StateHeader] = state;
            }
        }

        return message;
    }
}

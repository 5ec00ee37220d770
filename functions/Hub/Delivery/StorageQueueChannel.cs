using System.Diagnostics;
using System.Text;
using Azure;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>The <c>queue</c> channel: the partner's storage queue <c>partner-{id}</c>, one event per message, plain UTF-8 JSON.</summary>
public sealed class StorageQueueChannel(HubStorage storage)
{
    public async Task<ChannelOutcome> SendAsync(string partnerId, IReadOnlyList<OutboundEvent> events, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var queue = await storage.QueueAsync(PartnerQueues.QueueName(partnerId), cancellationToken);
            foreach (var e in events)
            {
                await queue.SendMessageAsync(Encoding.UTF8.GetString(e.Body.Span), cancellationToken);
            }

            return new ChannelOutcome(SendResult.Delivered, watch.Elapsed);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 413)
        {
            return new ChannelOutcome(SendResult.Permanent, watch.Elapsed, "The storage queue refused the event (" + e.Status + ").");
        }
        catch (RequestFailedException e)
        {
            return new ChannelOutcome(SendResult.Transient, watch.Elapsed, "Storage queue: " + e.Status);
        }
    }
}

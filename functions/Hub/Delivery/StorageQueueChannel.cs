using System.Diagnostics;
using System.Text;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// The <c>queue</c> channel: the partner's storage queue <c>partner-{id}</c>, one event per message, plain UTF-8 JSON.
/// Every failure is answered as an outcome (<see cref="ChannelFailures"/>), never thrown.
/// </summary>
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
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ChannelFailures.Classify(e, watch.Elapsed);
        }
    }
}

using Azure;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Partners;

/// <summary>
/// Each partner's own queue, <c>partner-{id}</c>: a storage queue for the <c>queue</c> channel and a Service Bus queue
/// for <c>servicebus</c> (created with duplicate detection when the hub manages the namespace; in tests the broker
/// is given its queues directly).
/// </summary>
public sealed class PartnerQueues(HubStorage storage, ServiceBusConnection serviceBus, ILogger<PartnerQueues> logger)
{
    public static string QueueName(string partnerId) => "partner-" + partnerId;

    public async Task PrepareAsync(string partnerId, IReadOnlyList<PartnerChannel> channels, CancellationToken cancellationToken)
    {
        if (channels.Any(c => c.Type == PartnerChannel.Queue))
        {
            await storage.QueueAsync(QueueName(partnerId), cancellationToken);
        }

        if (channels.Any(c => c.Type == PartnerChannel.ServiceBus) && serviceBus.Administration is { } admin)
        {
            try
            {
                if (!await admin.QueueExistsAsync(QueueName(partnerId), cancellationToken))
                {
                    await admin.CreateQueueAsync(
                        new CreateQueueOptions(QueueName(partnerId))
                        {
                            RequiresDuplicateDetection = true,
                            DuplicateDetectionHistoryTimeWindow = TimeSpan.FromDays(1),
                            DeadLetteringOnMessageExpiration = true,
                            DefaultMessageTimeToLive = TimeSpan.FromDays(14),
                        },
                        cancellationToken);
                    logger.LogInformation("Created Service Bus queue for partner {PartnerId}", partnerId);
                }
            }
            catch (RequestFailedException e)
            {
                logger.LogWarning("Could not create the Service Bus queue for partner {PartnerId} ({Status})", partnerId, e.Status);
            }
        }
    }
}

using Mellanrum.Hub.Delivery.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>Fan-out: the ledger, the channels, the webhook client, the delivery log, replay and the sweep. Options from <c>Hub:Fanout</c> and <c>Hub:Webhooks</c>.</summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<FanoutOptions>(FanoutOptions.Section);
        services.AddHubWebhookClient(configuration);
        services.AddSingleton<FanoutLedger>();
        services.AddSingleton<DeliveryOrder>();
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<ServiceBusChannel>();
        services.AddSingleton<StorageQueueChannel>();
        services.AddSingleton<DeliveryLog>();
        services.AddHostedService<DeliveryLogFlusher>();
        services.AddSingleton<FanoutService>();
        services.AddSingleton<FanoutSweep>();
        services.AddSingleton<WebhookDeliveryProcessor>();
        services.AddSingleton<ReplayService>();
        return services;
    }
}

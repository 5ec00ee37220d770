using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Read;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Storage;
using Mellanrum.Hub.Updates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Hosting;

/// <summary>The one composition root both hosts call.</summary>
public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOptions>()
            .Bind(configuration.GetSection(HubOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageClients.Tables(configuration));
        services.AddSingleton(_ => StorageClients.Queues(configuration));
        services.AddSingleton<HubStorage>();

        // Data Protection keeps the sources' HMAC secrets encrypted at rest; its key ring lives in Table Storage so
        // every instance shares it (see README, "Secrets").
        services.AddDataProtection().SetApplicationName("mellanrum-hub");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new TableXmlRepository(sp.GetRequiredService<HubStorage>())));

        services.AddSingleton(OrganisationRegistry.Shared);
        services.AddSingleton<IUpdateNormaliser, UpdateNormaliser>();
        services.AddSingleton<AdminAuthenticator>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SourceAdministration>();
        services.AddSingleton<RejectionStore>();
        services.AddSingleton<SourceAuthenticator>();
        services.AddSingleton<UpdateStore>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<ReadEndpoints>();
        services.AddSingleton<SourceEndpoints>();
        services.AddSingleton<MetaEndpoints>();

        // Partners and fan-out.
        services.AddHubWebhookClient(configuration);
        services.AddSingleton(_ => ServiceBusClients.Create(configuration));
        services.AddSingleton<PartnerStore>();
        services.AddSingleton<PartnerQueues>();
        services.AddSingleton<PartnerAdministration>();
        services.AddSingleton<PartnerEndpoints>();
        services.AddSingleton<ServiceBusChannel>();
        services.AddSingleton<StorageQueueChannel>();
        services.AddSingleton<DeliveryLog>();
        services.AddHostedService<DeliveryLogFlusher>();
        services.AddSingleton<FanoutService>();
        services.AddSingleton<FanoutSweep>();
        services.AddSingleton<WebhookDeliveryProcessor>();
        services.AddSingleton<ReplayService>();

        // The monthly digest.
        services.AddDigest(configuration);
        services.AddSingleton<IDigestSource, TableDigestSource>();
        services.AddSingleton<IDigestLedger, TableDigestLedger>();
        return services;
    }
}

using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Portal;
using Mellanrum.Hub.Register;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mellanrum.Hub.Hosting;

/// <summary>The one composition root both hosts call: every feature's own <c>Add…</c>, bottom up.</summary>
public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<HubOptions>(HubOptions.Section);
        services.AddHubAzureClients(configuration);
        services.AddSingleton<HubStorage>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<AuditLog>();

        services.AddSingleton(OrganisationRegistry.Shared);
        services.AddSingleton<UpdateStore>();
        services.AddSingleton<IUpdateNormaliser, UpdateNormaliser>();
        services.AddCollaborations();
        services.AddSources();
        services.AddPartners();
        services.AddIngest();
        services.AddDelivery(configuration);
        services.AddDigest(configuration);
        services.AddPortal();
        services.AddSingleton<IDigestSource, TableDigestSource>();
        services.AddSingleton<IDigestLedger, TableDigestLedger>();
        services.AddRegister();
        services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        services.AddSingleton<RetentionSweep>();
        return services;
    }
}

using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Hosting;

/// <summary>The one composition root both hosts call.</summary>
public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(OrganisationRegistry.Shared);
        services.AddSingleton<IUpdateNormaliser, UpdateNormaliser>();
        return services;
    }
}

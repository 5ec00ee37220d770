using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mellanrum.Hub.Delivery.Chaos;

public static class ChaosServiceCollectionExtensions
{
    /// <summary>Registers <see cref="HubChaos"/> with <see cref="ChaosOptions"/> from <c>Hub:Chaos</c> (off by default); safe to call more than once.</summary>
    public static IServiceCollection AddHubChaos(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(HubChaos)))
        {
            return services;
        }

        services.AddOptions<ChaosOptions>().Bind(configuration.GetSection(ChaosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubChaos>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Portal;

public static class PortalServiceCollectionExtensions
{
    /// <summary>The partner page's links, sessions and reads of the delivery log.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddValidatedOptions<PortalOptions>(PortalOptions.Section);
        services.AddSingleton<PortalLinks>();
        services.AddSingleton<PortalSessions>();
        services.AddSingleton<PartnerActivity>();
        return services;
    }
}

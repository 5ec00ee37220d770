using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Portal;

public static class PortalServiceCollectionExtensions
{
    /// <summary>The partner page's links (issued, and mailed on request), sessions, reads of the delivery log and the filter preview.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddValidatedOptions<PortalOptions>(PortalOptions.Section);
        services.AddSingleton<PortalLinks>();
        services.AddSingleton<PortalSessions>();
        services.AddSingleton<PartnerActivity>();
        services.AddSingleton<FilterPreview>();
        services.AddSingleton<PortalLinkRequests>();
        return services;
    }
}

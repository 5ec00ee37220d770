using Mellanrum.Hub.Pages.Shell;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Functions.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>What the HTTP edge adds to the hub's services: the key checks, the per-address limit and the pages. Both hosts call it after <c>AddHub</c>.</summary>
    public static IServiceCollection AddHubHttp(this IServiceCollection services) =>
        services.AddSingleton<KeyAuthenticator>().AddSingleton<ClientAddressLimiter>().AddHubPages();
}

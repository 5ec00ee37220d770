using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Functions.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>What the HTTP edge adds to the hub's services: the key checks and the per-address limit. Both hosts call it after <c>AddHub</c>.</summary>
    public static IServiceCollection AddHubHttp(this IServiceCollection services) =>
        services.AddSingleton<KeyAuthenticator>().AddSingleton<ClientAddressLimiter>();
}

using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Register;

public static class RegisterServiceCollectionExtensions
{
    /// <summary>The public register: its options (<c>Hub:Register</c>), the directory of organisations, and the shared snapshot.</summary>
    public static IServiceCollection AddRegister(this IServiceCollection services)
    {
        services.AddValidatedOptions<RegisterOptions>(RegisterOptions.Section);
        services.AddSingleton<RegisterDirectory>();
        services.AddSingleton<PublicRegister>();
        return services;
    }
}

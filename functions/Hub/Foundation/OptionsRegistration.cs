using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Foundation;

public static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to a configuration section, validated by its data annotations when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}

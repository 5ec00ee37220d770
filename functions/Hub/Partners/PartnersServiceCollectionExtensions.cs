using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mellanrum.Hub.Partners;

public static class PartnersServiceCollectionExtensions
{
    /// <summary>Partners, their queues and webhook targets (options from <c>Hub:Webhooks</c>), and routing.</summary>
    public static IServiceCollection AddPartners(this IServiceCollection services)
    {
        services.AddValidatedOptions<WebhookTargetOptions>(WebhookTargetOptions.Section);
        services.AddCredentialOptions();
        services.TryAddSingleton<WebhookTargetValidator>();
        services.AddSingleton<PartnerStore>();
        services.AddSingleton<PartnerQueues>();
        services.AddSingleton<PartnerAdministration>();
        return services;
    }
}

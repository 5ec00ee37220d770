using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Sources;

public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Sources, their credentials and rejections; Data Protection for the HMAC secrets at rest, its key ring in Table
    /// Storage so every instance shares it (see README, "Secrets"). Options from <c>Hub:Ingest</c> and <c>Hub:Rejections</c>.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddCredentialOptions();
        services.AddValidatedOptions<RejectionOptions>(RejectionOptions.Section);
        services.AddDataProtection().SetApplicationName("mellanrum-hub");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new TableXmlRepository(sp.GetRequiredService<HubStorage>())));
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SourceAdministration>();
        services.AddSingleton<RejectionStore>();
        return services;
    }
}

using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Sources;

public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Sources, their credentials and rejections; Data Protection for the HMAC secrets at rest, its key ring in Table
    /// Storage so every instance shares it, each key encrypted with a KEK that is not in storage (Key Vault or a key
    /// file, <c>Hub:DataProtection</c>; docs/security.md). Options from <c>Hub:Credentials</c> and <c>Hub:Rejections</c>.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddCredentialOptions();
        services.AddValidatedOptions<RejectionOptions>(RejectionOptions.Section);
        services.AddValidatedOptions<KeyRingOptions>(KeyRingOptions.Section);
        services.AddSingleton(KeyRingKeksFrom);
        services.AddDataProtection().SetApplicationName("mellanrum-hub");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                var keks = sp.GetRequiredService<KeyRingKeks>();
                o.XmlRepository = new KeyRingRepository(new TableXmlRepository(sp.GetRequiredService<HubStorage>()), keks);
                if (keks.IsConfigured)
                {
                    o.XmlEncryptor = new KeyRingXmlEncryptor(keks);
                }
            }));
        services.AddHostedService<KeyRingCheckAtStart>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SourceAdministration>();
        services.AddSingleton<RejectionStore>();
        services.AddSingleton<RejectionGauge>();
        services.AddHostedService(sp => sp.GetRequiredService<RejectionGauge>());
        return services;
    }

    /// <summary>Key Vault first (it encrypts when both are set), then the key file; neither: none.</summary>
    private static KeyRingKeks KeyRingKeksFrom(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<KeyRingOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var sources = new List<IKeyEncryptionKeySource>();
        if (options.KeyVaultUri is not null)
        {
            sources.Add(new KeyRingKeyVault(services.GetRequiredService<SecretClient>(), options.KekSecretName, loggers.CreateLogger<KeyRingKeyVault>()));
        }

        if (!string.IsNullOrWhiteSpace(options.KeyFile))
        {
            sources.Add(new KeyRingKeyFile(options.KeyFile, loggers.CreateLogger<KeyRingKeyFile>()));
        }

        return new KeyRingKeks(sources);
    }
}

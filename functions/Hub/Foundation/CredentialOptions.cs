using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// The <c>Hub:Credentials</c> section: how long a rotated-out credential (a source's or partner's Bearer key or signing
/// secret) still works, so a system can switch without downtime. <c>Hub:Ingest:PreviousSecretValidity</c>, the
/// setting's earlier name, is read when this one is not set.
/// </summary>
public sealed class CredentialOptions
{
    public const string Section = "Hub:Credentials";
    public const string LegacySetting = "Hub:Ingest:PreviousSecretValidity";

    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromHours(24);
}

public static class CredentialOptionsRegistration
{
    /// <summary>Binds <see cref="CredentialOptions"/> (falling back on the setting's earlier name), validated at start.</summary>
    public static IServiceCollection AddCredentialOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<CredentialOptions>(CredentialOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (configuration[$"{CredentialOptions.Section}:{nameof(CredentialOptions.Overlap)}"] is null
                    && configuration.GetValue<TimeSpan?>(CredentialOptions.LegacySetting) is { } legacy)
                {
                    options.Overlap = legacy;
                }
            });
        return services;
    }
}

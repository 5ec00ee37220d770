using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Mellanrum.Hub.Digest;

public static class DigestServiceCollectionExtensions
{
    /// <summary>
    /// The digest's services, its shared index and run progress in storage and its jobs on the <c>digests</c> queue.
    /// The caller registers <see cref="IDigestSource"/> and <see cref="IDigestLedger"/> (storage), <see cref="HubStorage"/>,
    /// <see cref="TimeProvider"/> and <see cref="Organisations.OrganisationRegistry"/>.
    /// </summary>
    public static IServiceCollection AddDigest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DigestOptions>()
            .BindConfiguration(DigestOptions.Section)
            .PostConfigure(o => o.BaseUrl = DefaultBaseUrl(configuration) ?? o.BaseUrl)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section)
            .PostConfigure(o => o.OutboxPath = OutboxPath(configuration, o.OutboxPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddKeyedSingleton(DigestMailer.PipelineKey, (sp, _) =>
        {
            var builder = new ResiliencePipelineBuilder { TimeProvider = sp.GetRequiredService<TimeProvider>() };
            DigestMailer.ConfigureRetry(builder);
            return builder.Build();
        });
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<DigestRenderer>();
        services.AddSingleton<IDigestMailer>(sp => new DigestMailer(
            sp.GetRequiredService<IOptions<SmtpOptions>>(),
            sp.GetRequiredKeyedService<ResiliencePipeline>(DigestMailer.PipelineKey),
            sp.GetRequiredService<ILogger<DigestMailer>>()));
        services.AddSingleton<DigestCarryOver>();
        services.AddSingleton<DigestMonths>();
        services.AddSingleton<IDigestRunStore, Storage.TableDigestRunStore>();
        services.AddSingleton<IDigestJobQueue, Storage.StorageDigestJobQueue>();
        services.AddSingleton<DigestRunner>();
        services.AddSingleton<DigestViewer>();
        services.AddHostedService<DigestCarryOverAtStart>();
        return services;
    }

    /// <summary><c>Hub:Digest:BaseUrl</c> when set, else <c>Hub:PublicBaseUrl</c> (null: keep the bound value).</summary>
    private static string? DefaultBaseUrl(IConfiguration configuration) =>
        configuration[$"{DigestOptions.Section}:{nameof(DigestOptions.BaseUrl)}"] is { Length: > 0 } own ? own.TrimEnd('/')
        : configuration["Hub:PublicBaseUrl"] is { Length: > 0 } shared ? shared.TrimEnd('/')
        : null;

    /// <summary>
    /// A configured outbox path as given; the default (<c>.hub/outbox</c>) at the repository root when the hub runs from
    /// a clone (Hub.Local, beside its <c>.hub/admin-key</c>), else under the working directory.
    /// </summary>
    private static string OutboxPath(IConfiguration configuration, string bound)
    {
        if (configuration[$"{SmtpOptions.Section}:{nameof(SmtpOptions.OutboxPath)}"] is { Length: > 0 } || Path.IsPathRooted(bound))
        {
            return bound;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return Path.Combine(dir.FullName, bound);
            }
        }

        return bound;
    }
}

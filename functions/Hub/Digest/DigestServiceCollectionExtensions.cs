using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Mellanrum.Hub.Digest;

public static class DigestServiceCollectionExtensions
{
    /// <summary>
    /// The digest's services. The caller registers <see cref="IDigestSource"/> and <see cref="IDigestLedger"/>
    /// (storage), <see cref="TimeProvider"/> and <see cref="Organisations.OrganisationRegistry"/>.
    /// </summary>
    public static IServiceCollection AddDigest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
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
        services.AddSingleton<DigestRunner>();
        services.AddSingleton<DigestViewer>();
        return services;
    }
}

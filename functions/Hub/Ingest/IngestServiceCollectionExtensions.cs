using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Ingest;

public static class IngestServiceCollectionExtensions
{
    /// <summary>Ingest: authenticate a source, read, normalise, store, hand over to fan-out. Options from <c>Hub:Ingest</c>.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.AddSingleton<SourceAuthenticator>();
        services.AddSingleton<ReplayGuard>();
        services.AddSingleton<IngestService>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Collaborations;

public static class CollaborationsServiceCollectionExtensions
{
    /// <summary>Collaborations: the store, its activity index, the carry-over of collaborations of the first version, and recording an update.</summary>
    public static IServiceCollection AddCollaborations(this IServiceCollection services)
    {
        services.AddSingleton<CollaborationIndex>();
        services.AddSingleton<CollaborationMigration>();
        services.AddSingleton<CollaborationStore>();
        services.AddSingleton<UpdateRecorder>();
        services.AddHostedService<CarryOverAtStart>();
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

using Mellanrum.Hub.Delivery.Chaos;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WebhookSender"/>, <see cref="WebhookTargetValidator"/>, <see cref="WebhookRetrySchedule"/>
    /// and the named HttpClient <see cref="WebhookPipelines.ClientName"/>: address-pinned connections, no redirects,
    /// no proxy, and the <see cref="WebhookPipelines.DeliveryPipeline"/> resilience handler (a circuit breaker around
    /// a timeout, one pipeline per endpoint authority, no retry; inside the timeout the chaos strategies of
    /// <see cref="HubChaos"/>, when <c>Hub:Chaos</c> turns them on). Options from <c>Hub:Webhooks</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddHubWebhookClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<WebhookTargetOptions>()
            .Bind(configuration.GetSection(WebhookTargetOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubChaos(configuration);
        services.TryAddSingleton(WebhookAddressResolver.System);
        services.TryAddSingleton<WebhookTargetValidator>();
        services.TryAddSingleton(sp => new WebhookRetrySchedule(sp.GetRequiredService<TimeProvider>(), Random.Shared, sp.GetRequiredService<IOptions<WebhookOptions>>().Value.RetryWaits));
        services.TryAddSingleton<WebhookSender>();

        services.AddHttpClient(WebhookPipelines.ClientName, static (sp, client) =>
            {
                // The pipeline's timeout decides; this is only a backstop.
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout + TimeSpan.FromSeconds(5);
            })
            // The factory's default handlers log whole request URLs; a partner's URL may carry a token. Our own log
            // lines name the partner and update instead.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(static sp => WebhookConnector.CreateHandler(
                sp.GetRequiredService<WebhookTargetValidator>(), sp.GetRequiredService<WebhookAddressResolver>()))
            .AddResilienceHandler(WebhookPipelines.DeliveryPipeline, static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;

                // Outer to inner: the breaker sees the timeout's TimeoutRejectedException as a failure.
                builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = options.CircuitBreakerSamplingDuration,
                    BreakDuration = options.CircuitBreakerBreakDuration,
                });
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.Timeout });
                context.ServiceProvider.GetRequiredService<HubChaos>().AddTo(builder);
            })
            .SelectPipelineByAuthority();

        return services;
    }
}

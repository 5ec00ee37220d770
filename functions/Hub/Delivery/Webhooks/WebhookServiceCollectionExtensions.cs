using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    /// a timeout, one pipeline per endpoint URL (<see cref="EndpointKey"/>), no retry; inside the timeout the chaos
    /// strategies of <see cref="HubChaos"/>, when <c>Hub:Chaos</c> turns them on). Options from <c>Hub:Webhooks</c>,
    /// validated at start.
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

                // Outer to inner: the breaker sees the timeout's TimeoutRejectedException as a failure. This endpoint's
                // circuit counts once in hub.webhook.circuits_open from the moment it opens until it closes again (a
                // half-open trial that fails opens it again without counting it twice).
                var circuit = new CircuitGauge();
                builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = options.CircuitBreakerSamplingDuration,
                    BreakDuration = options.CircuitBreakerBreakDuration,
                    OnOpened = _ =>
                    {
                        circuit.Opened();
                        return default;
                    },
                    OnClosed = _ =>
                    {
                        circuit.Closed();
                        return default;
                    },
                });
                context.OnPipelineDisposed(circuit.Closed);
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.Timeout });
                context.ServiceProvider.GetRequiredService<HubChaos>().AddTo(builder);
            })
            // One circuit per endpoint, not per host: partners on one receiving platform do not open it for each other.
            .SelectPipelineBy(static _ => static request => EndpointKey(request.RequestUri));

        return services;
    }

    /// <summary>One endpoint's circuit in <c>hub.webhook.circuits_open</c>: +1 when it opens, -1 when it closes, each once.</summary>
    private sealed class CircuitGauge
    {
        private int _open;

        public void Opened()
        {
            if (Interlocked.Exchange(ref _open, 1) == 0)
            {
                HubMetrics.CircuitOpened();
            }
        }

        public void Closed()
        {
            if (Interlocked.Exchange(ref _open, 0) == 1)
            {
                HubMetrics.CircuitClosed();
            }
        }
    }

    /// <summary>
    /// The key of an endpoint's pipeline (and so of its circuit): scheme, host, port and path, never the query. The path
    /// enters as a hash only, because the key is the pipeline's instance name in Polly's logs and metrics and a path may
    /// hold a token (hooks.example.com/services/T0/B0/secret).
    /// </summary>
    public static string EndpointKey(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return string.Empty;
        }

        var path = SHA256.HashData(Encoding.UTF8.GetBytes(uri.AbsolutePath));
        return $"{uri.Scheme}://{uri.IdnHost}:{uri.Port.ToString(CultureInfo.InvariantCulture)}/#{Convert.ToHexStringLower(path, 0, 8)}";
    }
}

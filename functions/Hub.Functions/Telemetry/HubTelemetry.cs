using System.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Mellanrum.Hub.Delivery.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mellanrum.Hub.Functions.Telemetry;

/// <summary>Where the hub's telemetry goes: <c>Hub:Telemetry:Exporter</c>.</summary>
public enum TelemetryExporter
{
    /// <summary>Nowhere: no OpenTelemetry SDK, no listener, so no span is even started.</summary>
    None,

    /// <summary>Every span, metric and log to standard output.</summary>
    Console,

    /// <summary>To an OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and the other standard <c>OTEL_*</c> settings).</summary>
    Otlp,

    /// <summary>To Application Insights, authenticated with the app's managed identity.</summary>
    AzureMonitor,
}

/// <summary>
/// OpenTelemetry for both hosts (Hub.Local and the Functions worker call <see cref="AddHubTelemetry"/>): traces of the
/// hub's own spans (<see cref="HubTracing"/>), ASP.NET Core, HttpClient and the Azure SDK (storage, Service Bus); the
/// metrics of <see cref="HubMetrics"/> and <c>http.server.request.duration</c>, exactly the ones
/// <c>infra/monitoring/metrics.json</c> lists; and logs. The exporter is one setting (docs/deploy.md, "Observability").
/// </summary>
public static class HubTelemetry
{
    public const string ExporterSetting = "Hub:Telemetry:Exporter";
    public const string ServiceName = "mellanrum-hub";

    /// <summary>The Azure SDK's switch for its ActivitySource spans (<c>AZURE_EXPERIMENTAL_ENABLE_ACTIVITY_SOURCE</c>).</summary>
    public const string AzureActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    /// <summary>The ASP.NET Core meter, of which only <see cref="ServerDurationMetric"/> is kept.</summary>
    public const string AspNetCoreMeter = "Microsoft.AspNetCore.Hosting";

    public const string ServerDurationMetric = "http.server.request.duration";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    /// <summary>
    /// The exporter the configuration names: <c>none</c>, <c>console</c>, <c>otlp</c> or <c>azuremonitor</c>; when the
    /// setting is absent, <c>otlp</c> if <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, else <c>none</c>. Any other value
    /// stops the host at start, naming the setting.
    /// </summary>
    public static TelemetryExporter ExporterOf(IConfiguration configuration) => configuration[ExporterSetting]?.Trim().ToLowerInvariant() switch
    {
        null or "" => string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) ? TelemetryExporter.None : TelemetryExporter.Otlp,
        "none" => TelemetryExporter.None,
        "console" => TelemetryExporter.Console,
        "otlp" => TelemetryExporter.Otlp,
        "azuremonitor" => TelemetryExporter.AzureMonitor,
        var other => throw new InvalidOperationException(
            $"{ExporterSetting} is '{other}': it is one of none, console, otlp, azuremonitor (docs/deploy.md, \"Observability\")."),
    };

    /// <summary>
    /// Turns on the Azure SDK's spans (before any client is made: the SDK reads the switch once) and, unless the
    /// exporter is <c>none</c>, the OpenTelemetry SDK with its exporter. <paramref name="host"/> adds what one host
    /// needs (the Functions worker's defaults).
    /// </summary>
    public static IServiceCollection AddHubTelemetry(this IServiceCollection services, IConfiguration configuration, Action<IOpenTelemetryBuilder>? host = null)
    {
        AppContext.SetSwitch(AzureActivitySourceSwitch, true);
        var exporter = ExporterOf(configuration);
        if (exporter == TelemetryExporter.None)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(HubTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing.AddHubInstrumentation())
            .WithMetrics(metrics => metrics.AddHubInstrumentation())
            .WithLogging();
        host?.Invoke(telemetry);
        switch (exporter)
        {
            case TelemetryExporter.Console:
                telemetry.WithTracing(t => t.AddConsoleExporter()).WithMetrics(m => m.AddConsoleExporter()).WithLogging(l => l.AddConsoleExporter());
                break;
            case TelemetryExporter.Otlp:
                telemetry.UseOtlpExporter();
                break;
            case TelemetryExporter.AzureMonitor:
                var connectionString = configuration[ConnectionStringSetting];
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException($"{ExporterSetting} is azuremonitor, but {ConnectionStringSetting} is not set.");
                }

                var credential = Credential(configuration);
                telemetry.UseAzureMonitorExporter(options =>
                {
                    options.ConnectionString = connectionString;
                    options.Credential = credential;
                });
                break;
        }

        return services;
    }

    /// <summary>
    /// The hub's trace sources: its own, the Azure SDK's (<c>Azure.*</c>), ASP.NET Core and HttpClient. An HttpClient
    /// span under an Azure SDK span is left out (the SDK's span is that call already), and a webhook's URL is recorded
    /// as its endpoint key only (a partner's path may hold a token).
    /// </summary>
    public static TracerProviderBuilder AddHubInstrumentation(this TracerProviderBuilder tracing) => tracing
        .AddSource(HubTracing.SourceName, "Azure.*")
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation(options =>
        {
            options.FilterHttpRequestMessage = _ => Activity.Current?.Parent?.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) != true;
            options.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                if (request.Headers.Contains(WebhookSignature.IdHeader))
                {
                    activity.SetTag("url.full", WebhookServiceCollectionExtensions.EndpointKey(request.RequestUri));
                }
            };
        });

    /// <summary>The meters of the dashboard's contract: <c>Mellanrum.Hub</c>, and of ASP.NET Core's only <c>http.server.request.duration</c>.</summary>
    public static MeterProviderBuilder AddHubInstrumentation(this MeterProviderBuilder metrics) => metrics
        .AddMeter(HubMetrics.MeterName, AspNetCoreMeter)
        .AddView(instrument => instrument.Meter.Name == AspNetCoreMeter && instrument.Name != ServerDurationMetric ? MetricStreamConfiguration.Drop : null);

    /// <summary>
    /// The app's managed identity: the client id of <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// (<c>ClientId=…;Authorization=AAD</c>) or <c>AZURE_CLIENT_ID</c> for a user-assigned identity, else the system-assigned one.
    /// </summary>
    public static TokenCredential Credential(IConfiguration configuration)
    {
        var clientId = (configuration[AuthenticationStringSetting] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .FirstOrDefault() ?? configuration[ClientIdSetting];
        return string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}

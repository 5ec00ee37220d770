using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Telemetry;
using Mellanrum.Hub.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

namespace Mellanrum.Hub.Functions;

/// <summary>
/// The Azure Functions worker host: ASP.NET Core integration, the hub's one composition root, and its telemetry with the
/// worker's OpenTelemetry defaults (the Functions resource, the worker's invocation spans).
/// </summary>
public static class FunctionsHost
{
    /// <summary>The worker's ActivitySource: one span per invocation, under the trace context the host hands it.</summary>
    public const string WorkerActivitySource = "Microsoft.Azure.Functions.Worker";

    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddHubTelemetry(builder.Configuration, telemetry => telemetry
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(WorkerActivitySource)));
        builder.Services.AddHub(builder.Configuration).AddHubHttp();
        return builder.Build();
    }
}

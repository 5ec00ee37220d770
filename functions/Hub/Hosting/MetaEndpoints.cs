using System.Reflection;
using Azure;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Hosting;

/// <summary><c>api-info</c>, <c>health</c> and <c>openapi.json</c>.</summary>
public sealed class MetaEndpoints(HubStorage storage, ILogger<MetaEndpoints> logger)
{
    public static readonly string OpenApiDocument = ReadOpenApi();

    public IResult ApiInfo() => HubResults.Json(new
    {
        apiName = "mellanrum-hub",
        apiVersion = "1.0.0",
        apiReleased = "2026-11-30",
        apiDocumentation = "/api/v1/openapi.json",
        apiStatus = "active",
        description = "Mellanrum: the samverkan integration hub for Swedish municipalities.",
    });

    public async Task<IResult> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var table = await storage.TableAsync(HubStorage.SourcesTable, cancellationToken);
            await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
            {
                break;
            }

            var queue = await storage.QueueAsync(HubStorage.FanoutQueue, cancellationToken);
            await queue.GetPropertiesAsync(cancellationToken);
            return HubResults.Json(new { status = "healthy", storage = "reachable" });
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Health check: storage not reachable ({Error})", e.GetType().Name);
            return Problem.Unavailable("Storage is not reachable.");
        }
    }

    public static IResult OpenApi() => Results.Text(OpenApiDocument, "application/json");

    private static string ReadOpenApi()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mellanrum.Hub.openapi.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

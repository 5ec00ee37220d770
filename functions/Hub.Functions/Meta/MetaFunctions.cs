using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Meta;

/// <summary>What the API is, whether it is healthy, and its OpenAPI description: open to anyone.</summary>
public sealed class MetaFunctions(StorageHealth health)
{
    /// <summary><c>GET /api/v1/api-info</c>: name, version, status (DIGG's API profile).</summary>
    [Function(nameof(GetApiInfo))]
    public IResult GetApiInfo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/api-info")] HttpRequest request) =>
        HubResults.Json(ApiInfo.Current);

    /// <summary><c>GET /api/v1/health</c>: 200 when storage answers, else 503.</summary>
    [Function(nameof(GetHealth))]
    public async Task<IResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await health.IsReachableAsync(cancellationToken)
            ? HubResults.Json(new HealthAnswer("healthy", "reachable"))
            : HubResults.Problem(Problem.Unavailable("Storage is not reachable."));

    /// <summary><c>GET /api/v1/openapi</c>: 200 the OpenAPI 3.1 document, built from the code (see <see cref="OpenApiBuilder"/>).</summary>
    [Function(nameof(GetOpenApi))]
    public IResult GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/openapi")] HttpRequest request) =>
        HubResults.Text(OpenApiDocument.Json, "application/json");

    /// <summary><c>GET /api/v1/openapi.json</c>: the same document at its old address; an alias the document leaves out.</summary>
    [Function(nameof(GetOpenApiJson))]
    public IResult GetOpenApiJson([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/openapi.json")] HttpRequest request) =>
        HubResults.Text(OpenApiDocument.Json, "application/json");
}

using Mellanrum.Hub.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Meta;

/// <summary>What the API is, whether it is healthy, and its OpenAPI description.</summary>
public sealed class MetaFunctions(MetaEndpoints meta)
{
    [Function(nameof(GetApiInfo))]
    public IResult GetApiInfo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-info")] HttpRequest request) =>
        meta.ApiInfo();

    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        meta.HealthAsync(cancellationToken);

    [Function(nameof(GetOpenApi))]
    public IResult GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/openapi.json")] HttpRequest request) =>
        MetaEndpoints.OpenApi();
}

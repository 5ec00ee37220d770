using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Meta;

public sealed class MetaFunctions
{
    [Function(nameof(GetApiInfo))]
    public IResult GetApiInfo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-info")] HttpRequest request) =>
        Results.Json(new { apiName = "mellanrum-hub", apiVersion = "1.0.0" });
}

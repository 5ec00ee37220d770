using Mellanrum.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Http;

/// <summary>Success answers written with the contract's JSON options.</summary>
public static class HubResults
{
    public static IResult Json<T>(T value, int status = 200) => Results.Json(value, HubJson.Options, statusCode: status);

    public static IResult Accepted(string location, object value) => new AcceptedWithBody(location, value);

    private sealed class AcceptedWithBody(string location, object value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return Results.Json(value, HubJson.Options, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext);
        }
    }
}

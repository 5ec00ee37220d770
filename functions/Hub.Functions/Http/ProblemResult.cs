using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// Writes a <see cref="Problem"/> as RFC 9457 <c>application/problem+json</c>: <c>type</c>, <c>title</c>, <c>status</c>,
/// <c>detail</c>, <c>instance</c> (the request's path) and, when fields failed, <c>invalid-parameters</c>.
/// </summary>
public sealed class ProblemResult(Problem problem) : IResult
{
    public const string ContentType = "application/problem+json";

    public Problem Problem => problem;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        TraceResponse.Stamp(httpContext);
        var response = httpContext.Response;
        response.StatusCode = problem.Status;
        response.ContentType = ContentType;
        if (problem.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (problem.Status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(ProblemBody.Of(problem, Instance(httpContext.Request)), HubJson.Options);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    /// <summary>The path the problem answers, as a relative URI reference (never the query: it may hold values).</summary>
    private static string Instance(HttpRequest request)
    {
        var path = (request.PathBase + request.Path).ToUriComponent();
        return string.IsNullOrEmpty(path) ? "/" : path;
    }
}

/// <summary>
/// The <c>application/problem+json</c> body (RFC 9457) exactly as it is written, serialised with the hub's JSON options;
/// the OpenAPI document's <c>Problem</c> schema is exported from this record.
/// </summary>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Instance,
    [property: JsonPropertyName("invalid-parameters")] IReadOnlyList<InvalidParameter>? InvalidParameters,
    [property: JsonPropertyName("invalid-parameters-omitted")] int? InvalidParametersOmitted = null)
{
    public static ProblemBody Of(Problem problem, string instance) => new(
        $"https://mellanrum.se/problems/{problem.Status}",
        problem.Title,
        problem.Status,
        problem.Detail,
        instance,
        problem.InvalidParameters is { Count: > 0 } invalid ? invalid : null,
        problem.OmittedParameters > 0 ? problem.OmittedParameters : null);
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;
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

        var buffer = new ArrayBufferWriter<byte>(512);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = HubJson.Options.Encoder });
        writer.WriteStartObject();
        writer.WriteString("type", $"https://mellanrum.se/problems/{problem.Status}");
        writer.WriteString("title", problem.Title);
        writer.WriteNumber("status", problem.Status);
        writer.WriteString("detail", problem.Detail);
        writer.WriteString("instance", Instance(httpContext.Request));
        if (problem.InvalidParameters is { Count: > 0 } invalid)
        {
            writer.WritePropertyName("invalid-parameters");
            JsonSerializer.Serialize(writer, invalid, HubJson.Options);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
    }

    /// <summary>The path the problem answers, as a relative URI reference (never the query: it may hold values).</summary>
    private static string Instance(HttpRequest request)
    {
        var path = (request.PathBase + request.Path).ToUriComponent();
        return string.IsNullOrEmpty(path) ? "/" : path;
    }
}

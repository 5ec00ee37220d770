using System.Text.Json;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Normalisation;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Http;

/// <summary>An RFC 9457 <c>application/problem+json</c> answer; 422s list every failing field in <c>invalid-parameters</c>.</summary>
public sealed class Problem(int status, string title, string detail, IReadOnlyList<InvalidParameter>? invalid = null, TimeSpan? retryAfter = null) : IResult
{
    public const string ContentType = "application/problem+json";

    public int Status => status;

    public string Title => title;

    public string Detail => detail;

    public IReadOnlyList<InvalidParameter> InvalidParameters => invalid ?? [];

    public static Problem BadRequest(string detail, IReadOnlyList<InvalidParameter>? invalid = null) => new(400, "Bad request", detail, invalid);

    public static Problem Unauthorized() => new(401, "Unauthorized", "Authentication failed: send a valid Standard Webhooks signature or Bearer key for this source.");

    public static Problem Forbidden(string detail) => new(403, "Forbidden", detail);

    public static Problem NotFound(string detail) => new(404, "Not found", detail);

    public static Problem Conflict(string detail) => new(409, "Conflict", detail);

    public static Problem TooLarge(int maxBytes) => new(413, "Payload too large", $"The body is larger than {maxBytes / 1024} KiB.");

    public static Problem UnsupportedMediaType(string? contentType) =>
        new(415, "Unsupported media type", $"Content type '{Ids.Echo(contentType)}' is not accepted: send application/json, application/cloudevents+json or a CloudEvents binary-mode request.");

    public static Problem Invalid(IReadOnlyList<InvalidParameter> invalid) =>
        new(422, "Validation failed", $"{invalid.Count} field(s) failed validation; see invalid-parameters.", invalid);

    public static Problem TooManyRequests(TimeSpan retryAfter) => new(429, "Too many requests", "This source is over its rate; retry after the given time.", retryAfter: retryAfter);

    public static Problem Unavailable(string detail) => new(503, "Service unavailable", detail);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = HubJson.Options.Encoder });
        writer.WriteStartObject();
        writer.WriteString("type", $"https://mellanrum.se/problems/{status}");
        writer.WriteString("title", title);
        writer.WriteNumber("status", status);
        writer.WriteString("detail", detail);
        if (invalid is { Count: > 0 })
        {
            writer.WritePropertyName("invalid-parameters");
            JsonSerializer.Serialize(writer, invalid, HubJson.Options);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
    }
}

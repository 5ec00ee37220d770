namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Why something was refused, as RFC 9457 problem details describe it: a status, a title, a detail and, for 4xx
/// answers about fields, every failing field at once. The HTTP edge writes it as <c>application/problem+json</c>; the
/// application only says what the problem is.
/// </summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyList<InvalidParameter> InvalidParameters, TimeSpan? RetryAfter = null)
{
    public static Problem BadRequest(string detail, IReadOnlyList<InvalidParameter>? invalid = null) => new(400, "Bad request", detail, invalid ?? []);

    public static Problem Unauthorized() => Unauthorized("Authentication failed: send a valid Standard Webhooks signature or Bearer key for this source.");

    public static Problem Unauthorized(string detail) => new(401, "Unauthorized", detail, []);

    public static Problem Forbidden(string detail, IReadOnlyList<InvalidParameter>? invalid = null) => new(403, "Forbidden", detail, invalid ?? []);

    public static Problem NotFound(string detail) => new(404, "Not found", detail, []);

    public static Problem Conflict(string detail) => new(409, "Conflict", detail, []);

    public static Problem TooLarge(int maxBytes) => new(413, "Payload too large", $"The body is larger than {maxBytes / 1024} KiB.", []);

    public static Problem UnsupportedMediaType(string? contentType) =>
        new(415, "Unsupported media type", $"Content type '{Ids.Echo(contentType)}' is not accepted: send application/json, application/cloudevents+json or a CloudEvents binary-mode request.", []);

    public static Problem Invalid(IReadOnlyList<InvalidParameter> invalid) =>
        new(422, "Validation failed", $"{invalid.Count} field(s) failed validation; see invalid-parameters.", invalid);

    public static Problem TooManyRequests(TimeSpan retryAfter) => new(429, "Too many requests", "This source is over its rate; retry after the given time.", [], retryAfter);

    public static Problem Unavailable(string detail) => new(503, "Service unavailable", detail, []);
}

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Why something was refused, as RFC 9457 problem details describe it: a status, a title, a detail and, for 4xx
/// answers about fields, every failing field at once. The HTTP edge writes it as <c>application/problem+json</c>; the
/// application only says what the problem is.
/// </summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyList<InvalidParameter> InvalidParameters, TimeSpan? RetryAfter = null, int OmittedParameters = 0)
{
    /// <summary>A 422 lists at most this many failing fields and counts the rest.</summary>
    public const int MaxListedParameters = 50;

    public static Problem BadRequest(string detail, IReadOnlyList<InvalidParameter>? invalid = null) => new(400, "Bad request", detail, invalid ?? []);

    public static Problem Unauthorized() => Unauthorized("Authentication failed: send a valid Standard Webhooks signature or Bearer key for this source.");

    public static Problem Unauthorized(string detail) => new(401, "Unauthorized", detail, []);

    public static Problem Forbidden(string detail, IReadOnlyList<InvalidParameter>? invalid = null) => new(403, "Forbidden", detail, invalid ?? []);

    public static Problem NotFound(string detail) => new(404, "Not found", detail, []);

    public static Problem Conflict(string detail) => new(409, "Conflict", detail, []);

    public static Problem TooLarge(int maxBytes) => new(413, "Payload too large", $"The body is larger than {maxBytes / 1024} KiB.", []);

    public static Problem UnsupportedMediaType(string? contentType) =>
        new(415, "Unsupported media type", $"Content type '{Ids.Echo(contentType)}' is not accepted: send application/json, application/cloudevents+json or a CloudEvents binary-mode request.", []);

    /// <summary>A 422 naming every failing field, at most <see cref="MaxListedParameters"/> of them, with the count of the rest.</summary>
    public static Problem Invalid(IReadOnlyList<InvalidParameter> invalid, int omitted = 0)
    {
        if (invalid.Count > MaxListedParameters)
        {
            omitted += invalid.Count - MaxListedParameters;
            invalid = invalid.Take(MaxListedParameters).ToArray();
        }

        var detail = omitted == 0
            ? $"{invalid.Count} field(s) failed validation; see invalid-parameters."
            : $"{invalid.Count + omitted} field(s) failed validation; invalid-parameters lists the first {invalid.Count} and {omitted} more failed (invalid-parameters-omitted).";
        return new(422, "Validation failed", detail, invalid, OmittedParameters: omitted);
    }

    public static Problem TooManyRequests(TimeSpan retryAfter) => new(429, "Too many requests", "This source is over its rate; retry after the given time.", [], retryAfter);

    public static Problem Unavailable(string detail) => new(503, "Service unavailable", detail, []);
}

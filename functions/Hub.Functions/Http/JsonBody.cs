using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// Reads an administration request's JSON body, answering 413/415/400 as problems: 415 for any content type but
/// <c>application/json</c> (UTF-8, the only charset JSON has), 400 also for bytes that are not UTF-8 and for a property
/// named twice in one object.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 256 * 1024;

    public static async Task<(T? Value, Problem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Parameters.Count(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) > 1
            || (contentType.Charset.HasValue && !HeaderUtilities.RemoveQuotes(contentType.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, Problem.UnsupportedMediaType(request.ContentType));
        }

        var (body, refused) = await BodyReader.ReadAsync(request, MaxBytes, cancellationToken);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (!Utf8.IsValid(body.Span))
        {
            return (null, Problem.BadRequest("The body is not UTF-8."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Span, HubJson.Requests);
            return value is null ? (null, Problem.BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problem.BadRequest("The body is not valid JSON of the expected shape" + (e.Path is { } path ? $" (at {path})." : ".")));
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>Reads an administration request's JSON body, answering 413/415/400 as problems.</summary>
public static class JsonBody
{
    public const int MaxBytes = 256 * 1024;

    public static async Task<(T? Value, Problem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problem.UnsupportedMediaType(request.ContentType));
        }

        var (body, refused) = await BodyReader.ReadAsync(request, MaxBytes, cancellationToken);
        if (refused is not null)
        {
            return (null, refused);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Span, HubJson.Options);
            return value is null ? (null, Problem.BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problem.BadRequest("The body is not valid JSON of the expected shape" + (e.Path is { } path ? $" (at {path})." : ".")));
        }
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>Reads the query parameters the API shares: <c>limit</c>/<c>offset</c> paging, RFC 3339 times.</summary>
public static class Query
{
    /// <summary>The largest <c>offset</c> a list accepts.</summary>
    public const int MaxOffset = 1_000_000;

    public static (Paging Paging, Problem? Problem) Paging(HttpRequest request)
    {
        var errors = new List<InvalidParameter>();
        var limit = Integer(request, "limit", Foundation.Paging.DefaultLimit, 1, Foundation.Paging.MaxLimit, errors);
        var offset = Integer(request, "offset", 0, 0, MaxOffset, errors);
        return (new Paging(limit, offset), errors.Count > 0 ? Problem.BadRequest("Invalid paging parameters.", errors) : null);
    }

    /// <summary>
    /// <c>limit</c> and the opaque <c>cursor</c> of a list that can grow without bound (which takes no <c>offset</c>).
    /// </summary>
    public static (int Limit, string? Cursor, List<InvalidParameter> Errors) CursorPaging(HttpRequest request)
    {
        var errors = new List<InvalidParameter>();
        var limit = Integer(request, "limit", Foundation.Paging.DefaultLimit, 1, Foundation.Paging.MaxLimit, errors);
        if (request.Query.ContainsKey("offset"))
        {
            errors.Add(new InvalidParameter("offset", "This list is paged by cursor: send the nextCursor of the previous page as cursor."));
        }

        var cursor = request.Query["cursor"].FirstOrDefault();
        if (cursor is { Length: 0 or > 512 })
        {
            errors.Add(new InvalidParameter("cursor", "Not a cursor of this list.", Ids.Echo(cursor)));
        }

        return (limit, cursor, errors);
    }

    /// <summary>A required RFC 3339 time, in UTC; the error names the parameter.</summary>
    public static DateTimeOffset? Time(HttpRequest request, string name, List<InvalidParameter> errors)
    {
        var raw = request.Query[name].FirstOrDefault();
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors.Add(new InvalidParameter(name, "Required: an RFC 3339 time.", Ids.Echo(raw)));
        return null;
    }

    private static int Integer(HttpRequest request, string name, int fallback, int min, int max, List<InvalidParameter> errors)
    {
        var raw = request.Query[name].FirstOrDefault();
        if (raw is null)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(new InvalidParameter(name, $"Must be a whole number from {min} to {max}.", Ids.Echo(raw)));
        return fallback;
    }
}

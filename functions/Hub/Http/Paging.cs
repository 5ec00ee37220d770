using System.Globalization;
using Mellanrum.Hub.Normalisation;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Http;

/// <summary><c>limit</c>/<c>offset</c> paging as the national API profile has it: default limit 20, at most 100.</summary>
public readonly record struct Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static (Paging Paging, Problem? Problem) From(HttpRequest request)
    {
        var errors = new List<InvalidParameter>();
        var limit = Read(request, "limit", DefaultLimit, 1, MaxLimit, errors);
        var offset = Read(request, "offset", 0, 0, 1_000_000, errors);
        return (new Paging(limit, offset), errors.Count > 0 ? Problem.BadRequest("Invalid paging parameters.", errors) : null);
    }

    private static int Read(HttpRequest request, string name, int fallback, int min, int max, List<InvalidParameter> errors)
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

        errors.Add(new InvalidParameter(name, $"Must be a whole number from {min} to {max}.", Hosting.Ids.Echo(raw)));
        return fallback;
    }
}

/// <summary>A page of a list answer.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, int? Total = null);

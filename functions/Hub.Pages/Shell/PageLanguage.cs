using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Pages.Shell;

/// <summary>
/// The language of a page: Swedish unless the address asks for English with <c>?lang=en</c>. Every page links to itself
/// in the other language, so English is one step away and a link keeps its language.
/// </summary>
public sealed record PageLanguage(string Code, string Name)
{
    public static readonly PageLanguage Swedish = new("sv", "Svenska");

    public static readonly PageLanguage English = new("en", "English");

    public PageLanguage Other => this == Swedish ? English : Swedish;

    public static PageLanguage Of(HttpRequest request) =>
        string.Equals(request.Query["lang"], "en", StringComparison.OrdinalIgnoreCase) ? English : Swedish;

    /// <summary><paramref name="path"/> (which may hold a query) in this language: Swedish needs no parameter.</summary>
    public string Link(string path)
    {
        var (bare, query) = path.IndexOf('?') is var q and >= 0 ? (path[..q], path[(q + 1)..]) : (path, string.Empty);
        var kept = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("lang=", StringComparison.OrdinalIgnoreCase)).ToList();
        if (this == English)
        {
            kept.Add("lang=en");
        }

        return kept.Count == 0 ? bare : bare + "?" + string.Join('&', kept);
    }
}

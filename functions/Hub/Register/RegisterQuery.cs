using System.Globalization;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Register;

/// <summary>
/// What a look into the register asks for, every part optional: words (stemmed Swedish, <see cref="SwedishSearch"/>,
/// over name, description and tags), area, form, status, county (a member in it) and member. The parameters are the
/// API list's own: <c>q</c>, <c>area</c>, <c>form</c>, <c>status</c>, <c>county</c>, <c>member</c>, and <c>page</c>.
/// </summary>
public sealed record RegisterQuery(string? Words = null, string? Area = null, string? Form = null, string? Status = null, string? County = null, string? Member = null)
{
    public const int MaxWords = 200;

    public bool IsEmpty => Words is null && Area is null && Form is null && Status is null && County is null && Member is null;

    /// <summary>
    /// Reads the query from the parameters of a request (<paramref name="parameter"/> gives a parameter's first value):
    /// each invalid one is named in <paramref name="errors"/> and left out of the query, so the rest still narrows.
    /// </summary>
    public static (RegisterQuery Query, int Page) Read(Func<string, string?> parameter, OrganisationRegistry organisations, List<InvalidParameter> errors)
    {
        var words = Value(parameter("q"));
        if (words is { Length: > MaxWords })
        {
            errors.Add(new InvalidParameter("q", $"At most {MaxWords} characters."));
            words = null;
        }

        string? member = null;
        if (Value(parameter("member")) is { } named)
        {
            if (organisations.TryResolve(named, out var resolved))
            {
                member = resolved;
            }
            else
            {
                errors.Add(new InvalidParameter("member", "Not a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(named)));
            }
        }

        var county = Value(parameter("county"));
        if (county is not null && organisations.FindCounty(county) is null)
        {
            errors.Add(new InvalidParameter("county", "Not a county code (two digits, e.g. 01 for Stockholms län).", Ids.Echo(county)));
            county = null;
        }

        var page = 1;
        if (Value(parameter("page")) is { } raw && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > 100_000))
        {
            errors.Add(new InvalidParameter("page", "Must be a whole number from 1.", Ids.Echo(raw)));
            page = 1;
        }

        var query = new RegisterQuery(
            words,
            Word(parameter, "area", Vocabulary.Areas, errors),
            Word(parameter, "form", Collaboration.Forms, errors),
            Word(parameter, "status", Vocabulary.Statuses, errors),
            county,
            member);
        return (query, page);
    }

    /// <summary>The query as parameters (the page's links keep it), without the empty ones.</summary>
    public IEnumerable<KeyValuePair<string, string>> Parameters()
    {
        foreach (var (name, value) in new[] { ("q", Words), ("area", Area), ("form", Form), ("status", Status), ("county", County), ("member", Member) })
        {
            if (value is not null)
            {
                yield return KeyValuePair.Create(name, value);
            }
        }
    }

    internal bool Matches(RegisterEntry entry, SwedishSearch? search) =>
        (Area is null || entry.Collaboration.Area == Area)
        && (Form is null || entry.Collaboration.Form == Form)
        && (Status is null || entry.Collaboration.Status == Status)
        && (County is null || entry.Counties.Contains(County))
        && (Member is null || entry.IsMember(Member))
        && (search is null || search.MatchesWords(entry.Words));

    private static string? Value(string? raw) => string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();

    private static string? Word(Func<string, string?> parameter, string name, IReadOnlyList<string> words, List<InvalidParameter> errors)
    {
        var value = Value(parameter(name));
        if (value is not null && !words.Contains(value))
        {
            errors.Add(new InvalidParameter(name, "Must be one of: " + string.Join(", ", words) + ".", Ids.Echo(value)));
            return null;
        }

        return value;
    }
}

/// <summary>One page of what a query found, newest activity first: its entries, how many there are in all, and which page of how many.</summary>
public sealed record RegisterPage(IReadOnlyList<RegisterEntry> Items, int Total, int Page, int PageCount, int PageSize);

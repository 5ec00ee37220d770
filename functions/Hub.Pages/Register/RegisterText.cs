using Mellanrum.Hub.Pages.Shell;
using Mellanrum.Hub.Register;

namespace Mellanrum.Hub.Pages.Register;

/// <summary>The register's words as people read them: areas, forms and statuses in Swedish and English, areas' colours, dates.</summary>
public static class RegisterText
{
    public static readonly IReadOnlyDictionary<string, Text> Areas = new Dictionary<string, Text>(StringComparer.Ordinal)
    {
        ["digitalisering"] = new("Digitalisering", "Digitalisation"),
        ["utbildning"] = new("Utbildning", "Education"),
        ["arbetsmarknad"] = new("Arbetsmarknad", "Labour market"),
        ["social-valfard"] = new("Social välfärd", "Social welfare"),
        ["vard-och-omsorg"] = new("Vård och omsorg", "Health and care"),
        ["samhallsbyggnad"] = new("Samhällsbyggnad", "Planning and building"),
        ["miljo-och-klimat"] = new("Miljö och klimat", "Environment and climate"),
        ["kultur-och-fritid"] = new("Kultur och fritid", "Culture and leisure"),
        ["krisberedskap"] = new("Krisberedskap", "Emergency preparedness"),
        ["upphandling"] = new("Upphandling", "Procurement"),
        ["ovrigt"] = new("Övrigt", "Other"),
    };

    /// <summary>Each area's colour on the map: distinct hues, each at least 3:1 against white (WCAG 1.4.11).</summary>
    public static readonly IReadOnlyDictionary<string, string> AreaColours = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["digitalisering"] = "#1f5fa8",
        ["utbildning"] = "#b8400f",
        ["arbetsmarknad"] = "#6a3d9a",
        ["social-valfard"] = "#b5186f",
        ["vard-och-omsorg"] = "#0f7a6c",
        ["samhallsbyggnad"] = "#7a5c00",
        ["miljo-och-klimat"] = "#2e7d1f",
        ["kultur-och-fritid"] = "#a3173b",
        ["krisberedskap"] = "#c0262d",
        ["upphandling"] = "#3b5563",
        ["ovrigt"] = "#5f5f5f",
    };

    public const string NoAreaColour = "#5f5f5f";

    public static readonly IReadOnlyDictionary<string, Text> Forms = new Dictionary<string, Text>(StringComparer.Ordinal)
    {
        ["avtalssamverkan"] = new("Avtalssamverkan", "Contract-based collaboration"),
        ["kommunalforbund"] = new("Kommunalförbund", "Municipal federation"),
        ["gemensam-namnd"] = new("Gemensam nämnd", "Joint committee"),
        ["bolag"] = new("Bolag", "Company"),
        ["projekt"] = new("Projekt", "Project"),
        ["natverk"] = new("Nätverk", "Network"),
    };

    public static readonly IReadOnlyDictionary<string, Text> Statuses = new Dictionary<string, Text>(StringComparer.Ordinal)
    {
        ["planned"] = new("Planerad", "Planned"),
        ["active"] = new("Pågår", "Active"),
        ["paused"] = new("Pausad", "Paused"),
        ["completed"] = new("Avslutad", "Completed"),
        ["cancelled"] = new("Avbruten", "Cancelled"),
    };

    public static readonly IReadOnlyDictionary<string, Text> Kinds = new Dictionary<string, Text>(StringComparer.Ordinal)
    {
        ["collaboration-started"] = new("Samverkan startad", "Collaboration started"),
        ["status-report"] = new("Lägesrapport", "Status report"),
        ["decision"] = new("Beslut", "Decision"),
        ["recommendation"] = new("Rekommendation", "Recommendation"),
        ["agreement"] = new("Avtal", "Agreement"),
        ["call-for-partners"] = new("Söker fler parter", "Call for partners"),
        ["meeting"] = new("Möte", "Meeting"),
        ["milestone"] = new("Milstolpe", "Milestone"),
        ["document"] = new("Dokument", "Document"),
        ["collaboration-ended"] = new("Samverkan avslutad", "Collaboration ended"),
    };

    private static readonly Text Unknown = new("Inte angivet", "Not given");

    public static string Area(string? area, PageLanguage language) => Of(Areas, area, language);

    public static string Form(string? form, PageLanguage language) => Of(Forms, form, language);

    public static string Status(string? status, PageLanguage language) => Of(Statuses, status, language);

    public static string Kind(string kind, PageLanguage language) => Kinds.TryGetValue(kind, out var text) ? text.In(language) : kind;

    public static string Colour(string? area) => area is not null && AreaColours.TryGetValue(area, out var colour) ? colour : NoAreaColour;

    /// <summary>A date in Swedish time, written as the language writes it (1 december 2026, 1 December 2026).</summary>
    public static string Date(DateTimeOffset at, PageLanguage language) =>
        Stockholm.DateOf(at).ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo(language == PageLanguage.English ? "en-GB" : "sv-SE"));

    /// <summary>An organisation's page.</summary>
    public static string OrganisationPath(RegisterOrganisation organisation) => "/organisationer/" + Uri.EscapeDataString(organisation.Id);

    /// <summary>A collaboration's page.</summary>
    public static string CollaborationPath(string id) => "/samverkan/" + Uri.EscapeDataString(id);

    /// <summary>The members' names, at most <paramref name="shown"/> of them and how many more.</summary>
    public static string Names(IReadOnlyList<RegisterOrganisation> members, PageLanguage language, int shown = 6) =>
        members.Count <= shown
            ? string.Join(", ", members.Select(m => m.Name))
            : string.Join(", ", members.Take(shown).Select(m => m.Name)) + (language == PageLanguage.English ? $" and {members.Count - shown} more" : $" och {members.Count - shown} till");

    /// <summary>At most about 280 characters of <paramref name="text"/>, cut at a space.</summary>
    public static string Shorten(string text)
    {
        if (text.Length <= 280)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', 279);
        return text[..(cut < 200 ? 279 : cut)] + " …";
    }

    private static string Of(IReadOnlyDictionary<string, Text> words, string? value, PageLanguage language) =>
        value is null ? Unknown.In(language) : words.TryGetValue(value, out var text) ? text.In(language) : value;
}

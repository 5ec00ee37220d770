namespace Mellanrum.Hub.Pages.Shell;

/// <summary>One entry of the site's navigation: where it goes and what it is called.</summary>
public sealed record NavigationItem(string Section, string Path, Text Label);

/// <summary>The site's main navigation and its footer links, in the order shown; a page marks its own section as current.</summary>
public static class Navigation
{
    public static readonly IReadOnlyList<NavigationItem> Main =
    [
        new("samverkan", "/samverkan", new("Samverkan", "Collaborations")),
        new("samverkanskartan", "/samverkanskartan", new("Samverkanskartan", "Collaboration map")),
        new("api", "/api/v1/openapi", new("API", "API")),
        new("portal", "/portal", new("Mottagarsidan", "Partner page")),
    ];

    public static readonly IReadOnlyList<NavigationItem> Footer =
    [
        new("tillganglighet", "/tillganglighet", new("Tillgänglighetsredogörelse", "Accessibility statement")),
        new("oppna-data", "/api/v1/dcat", new("Öppna data (DCAT-AP-SE)", "Open data (DCAT-AP-SE)")),
        new("api", "/api/v1/openapi", new("API-beskrivning (OpenAPI)", "API description (OpenAPI)")),
    ];
}

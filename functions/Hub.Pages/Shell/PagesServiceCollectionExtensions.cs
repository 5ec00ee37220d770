using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Pages.Shell;

/// <summary>Settings of the pages, from <c>Hub:Pages</c>.</summary>
public sealed class PagesOptions
{
    public const string Section = "Hub:Pages";

    /// <summary>Where the accessibility statement asks people to report problems.</summary>
    public string AccessibilityContact { get; set; } = "tillganglighet@mellanrum.se";
}

public static class PagesServiceCollectionExtensions
{
    /// <summary>
    /// What the pages need in either host: Razor components rendered on the server, HTML written with Swedish letters as
    /// they are (not as character references), and <see cref="PagesOptions"/>.
    /// </summary>
    public static IServiceCollection AddHubPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddOptions<PagesOptions>().BindConfiguration(PagesOptions.Section);
        return services;
    }
}

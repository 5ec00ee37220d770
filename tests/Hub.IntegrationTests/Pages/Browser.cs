using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Mellanrum.Hub.IntegrationTests.Pages;

/// <summary>
/// Debian's Chromium, headless, started once for a test class: pages are opened at a width, checked with axe (WCAG 2.1
/// A and AA rules) and photographed into TestResults/screenshots/.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--lang=sv-SE"];

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A new page (own context: own cookies) <paramref name="width"/> px wide, at <paramref name="baseAddress"/>.</summary>
    public async Task<IPage> PageAsync(Uri baseAddress, int width = 1024)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            Locale = "sv-SE",
        });
        return await context.NewPageAsync();
    }

    /// <summary>The axe violations of WCAG 2.1 A/AA rules that are serious or critical, as one line each (empty: none).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")
            .ToArray();
    }

    /// <summary>Every axe finding of the page, counted by impact, for the record (e.g. "0 critical, 0 serious, 1 moderate").</summary>
    public static async Task<string> AxeSummaryAsync(IPage page)
    {
        var result = await page.RunAxe();
        var impacts = new[] { "critical", "serious", "moderate", "minor" };
        return string.Join(", ", impacts.Select(i => $"{result.Violations.Count(v => v.Impact == i)} {i}")) + $"; {result.Passes.Length} rules passed";
    }

    /// <summary>A PNG of the page, whole (<paramref name="fullPage"/>) or only the window (a very long page, such as the map's table).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestOutput.Folder("screenshots"), name + ".png"), FullPage = fullPage });

    /// <summary>How wide the document is: more than the window means sideways scrolling.</summary>
    public static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("document.documentElement.scrollWidth");
}

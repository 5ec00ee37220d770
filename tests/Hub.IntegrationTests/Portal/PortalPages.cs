using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// Each partner page as a person meets it: axe (WCAG 2.1 A/AA) at 375 and 1,024 px with no serious or critical finding,
/// no sideways scrolling, and a screenshot at each width in TestResults/screenshots/portal-{name}-{width}.png. Every
/// result is also written to TestResults/accessibility/portal-axe.txt.
/// </summary>
public static class PortalPages
{
    private static readonly Lock Gate = new();

    public static async Task CheckAsync(IPage page, string name, ITestOutputHelper output)
    {
        var findings = new List<string>();
        foreach (var width in new[] { 375, 1024 })
        {
            await page.SetViewportSizeAsync(width, 900);
            var violations = await Browser.SeriousViolationsAsync(page);
            var summary = await Browser.AxeSummaryAsync(page);
            await Browser.ScreenshotAsync(page, $"portal-{name}-{width}");
            var line = $"{new Uri(page.Url).PathAndQuery.Split("token=")[0]} ({name}) {width} px: {summary}";
            output.WriteLine(line);
            lock (Gate)
            {
                File.AppendAllText(Path.Combine(TestOutput.Folder("accessibility"), "portal-axe.txt"), $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
            }

            findings.AddRange(violations.Select(v => $"{width} px: {v}"));
            if (await Browser.ScrollWidthAsync(page) > width)
            {
                findings.Add($"{width} px: the page scrolls sideways");
            }
        }

        await page.SetViewportSizeAsync(1024, 900);
        Assert.True(findings.Count == 0, $"{name}: " + string.Join(Environment.NewLine, findings));
    }
}

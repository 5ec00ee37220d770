using Mellanrum.Hub.Digest;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Tests.Digest;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>The seeded digest's HTML in headless Chromium at phone and desktop widths; screenshots go to TestResults/screenshots/.</summary>
public sealed class DigestBrowserTests
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

    [Theory]
    [InlineData(375)]
    [InlineData(1024)]
    public async Task Render_SeededDigestInChromium_NoHorizontalScrollAndColumnAtMost600(int width)
    {
        var html = SeededHtml();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        await page.SetContentAsync(html);

        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var columnWidth = await page.EvaluateAsync<double>("document.querySelector('table.digest').getBoundingClientRect().width");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestOutput.Folder("screenshots"), $"digest-{width}.png"), FullPage = true });

        Assert.True(scrollWidth <= width, $"The page scrolls sideways: {scrollWidth} px wide in a {width} px window.");
        Assert.True(columnWidth <= 600, $"The column is {columnWidth} px wide.");
        Assert.Equal(0, await page.EvaluateAsync<int>("document.scripts.length"));
    }

    private static string SeededHtml()
    {
        var digest = new DigestComposer(OrganisationRegistry.Shared).Compose(DigestSeed.Index(), DigestSeed.Nacka)!;
        return new DigestRenderer(Options.Create(new DigestOptions { BaseUrl = "https://mellanrum.example.se" })).Render(digest).Html;
    }
}

using System.Net;
using System.Net.Http.Headers;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Pages;

/// <summary>
/// What every page shares, on the accessibility statement (the page the law asks for) served by Hub.Local: Swedish
/// first with English one link away, axe finding nothing serious, keyboard first to the skip link, no sideways
/// scrolling on a phone, the style sheet served by the hub itself and kept by browsers.
/// </summary>
public sealed class PageShellTests(LocalHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<LocalHubFixture>, IClassFixture<Browser>
{
    [Theory]
    [InlineData("sv", 375)]
    [InlineData("sv", 1024)]
    [InlineData("en", 375)]
    [InlineData("en", 1024)]
    public async Task AccessibilityStatement_InEachLanguageAndWidth_HasNoSeriousAxeViolation_AndNoSidewaysScroll(string language, int width)
    {
        var page = await browser.PageAsync(hub.BaseAddress, width);
        var response = await page.GotoAsync(language == "en" ? "/tillganglighet?lang=en" : "/tillganglighet");
        Assert.Equal(200, response!.Status);

        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(language == "en" ? "Accessibility statement" : "Tillgänglighetsredogörelse", await page.InnerTextAsync("h1"));
        var violations = await Browser.SeriousViolationsAsync(page);
        output.WriteLine($"/tillganglighet {language} {width} px: {await Browser.AxeSummaryAsync(page)}");
        await Browser.ScreenshotAsync(page, $"tillganglighet-{language}-{width}");
        Assert.Empty(violations);
        Assert.True(await Browser.ScrollWidthAsync(page) <= width, "The page scrolls sideways.");
    }

    [Fact]
    public async Task TheKeyboard_ReachesTheSkipLinkFirst_AndItMovesFocusToTheContent()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/tillganglighet");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Hoppa till innehållet", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.getBoundingClientRect().top >= 0"), "The focused skip link is off screen.");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("document.activeElement && document.activeElement.id === 'innehall'");
    }

    [Fact]
    public async Task TheLanguageLink_LeadsToTheSamePageInEnglish_AndBack()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/tillganglighet");
        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tillganglighet\\?lang=en$"));
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByRole(AriaRole.Link, new() { Name = "På svenska" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tillganglighet$"));
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "sv");
    }

    [Fact]
    public async Task Pages_CarryAContentSecurityPolicy_AndTheStyleSheetIsTheHubsOwn_KeptAYear_With304OnRevalidation()
    {
        using var pageAnswer = await hub.Client.GetAsync("/tillganglighet");
        Assert.Equal("text/html", pageAnswer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", pageAnswer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await pageAnswer.Content.ReadAsStringAsync();
        var href = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/assets/hub\\.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(href);
        Assert.DoesNotContain("https://", html.Split("<main")[0], StringComparison.Ordinal);

        using var css = await hub.Client.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", css.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        var again = new HttpRequestMessage(HttpMethod.Get, href);
        again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(css.Headers.ETag!.ToString()));
        using var revalidated = await hub.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        using var missing = await hub.Client.GetAsync("/assets/none.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}

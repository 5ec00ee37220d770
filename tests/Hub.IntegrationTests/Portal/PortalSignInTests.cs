using System.Net;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// Signing in to the partner page with a link the operator issued: the link's page has a button (a POST), which starts an
/// 8-hour HttpOnly, SameSite=Lax session; a second use, an expired and a revoked link are refused with a page saying so;
/// a form without its CSRF token is refused; signing out ends the session.
/// </summary>
public sealed class PortalSignInTests(PortalHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<PortalHubFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task ALink_SignsInOnce_ASecondUseAnExpiredAndARevokedLinkAreRefused()
    {
        await hub.RegisterPartnerAsync("portal-signin", "0160", new { type = "queue" });
        var (linkId, url, expiresAt) = await hub.LinkAsync("portal-signin");
        Assert.StartsWith(hub.BaseAddress.ToString().TrimEnd('/') + "/portal/logga-in?token=", url, StringComparison.Ordinal);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));

        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Logga in på mottagarsidan");
        await PortalPages.CheckAsync(page, "logga-in", output);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Översikt");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("portal-signin");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "mellanrum-portal");
        Assert.True(cookie.HttpOnly, "The session cookie is not HttpOnly.");
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.False(cookie.Secure, "On a loopback address the cookie cannot be Secure (plain http).");
        Assert.Equal("/portal", cookie.Path);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds((long)cookie.Expires) - DateTimeOffset.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8.1));
        Assert.Equal(43, cookie.Value.Length);

        // The same link again, in another browser: refused, and says why.
        var again = await browser.PageAsync(hub.BaseAddress);
        await again.GotoAsync(url);
        await again.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(again.Locator("h1")).ToHaveTextAsync("Inloggningen nekades");
        await Assertions.Expect(again.Locator("main")).ToContainTextAsync("Länken har redan använts");
        await PortalPages.CheckAsync(again, "inloggning-nekad", output);

        // An expired link (its end moved to the past in its table row).
        var expired = await hub.LinkAsync("portal-signin");
        var links = new TableClient(hub.Azurite.ConnectionString, "hubPortalLinks");
        await links.UpdateEntityAsync(new TableEntity(expired.Id, "link") { ["ExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1) }, ETag.All, TableUpdateMode.Merge);
        var late = await browser.PageAsync(hub.BaseAddress);
        await late.GotoAsync(expired.Url);
        await late.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(late.Locator("main")).ToContainTextAsync("Länken har gått ut");

        // A revoked link.
        var revoked = await hub.LinkAsync("portal-signin");
        using (var revoke = await hub.Client.SendAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/partners/portal-signin/portal-links/{revoked.Id}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var withdrawn = await browser.PageAsync(hub.BaseAddress);
        await withdrawn.GotoAsync(revoked.Url);
        await withdrawn.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(withdrawn.Locator("main")).ToContainTextAsync("Länken har återkallats");

        // Revoking another partner's link, or one that does not exist: 404.
        using (var unknown = await hub.Client.SendAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/partners/portal-other/portal-links/{linkId}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // Signing out ends the session: the overview then asks for a sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Du är utloggad");
        await PortalPages.CheckAsync(page, "utloggad", output);
        var response = await page.GotoAsync("/portal");
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Du är inte inloggad");
        await PortalPages.CheckAsync(page, "inte-inloggad", output);

        var audit = await hub.AuditAsync();
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "partner.portal-link.issued" && e.GetProperty("target").GetString() == "portal-signin" && e.GetProperty("actor").GetString()!.StartsWith("admin:", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "portal.signed-in" && e.GetProperty("detail").GetString() == linkId && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "portal.signed-out" && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.ToString().Contains(cookie.Value, StringComparison.Ordinal) || e.ToString().Contains(url.Split("token=")[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFormWithoutItsCsrfToken_OrWithAnothersOrFromAnotherSite_IsRefusedWithAPage_AndChangesNothing()
    {
        await hub.RegisterPartnerAsync("portal-csrf", "0162", new { type = "webhook", url = "https://example.se/hook" });
        using var client = await PortalClient.SignInAsync(hub.BaseAddress, (await hub.LinkAsync("portal-csrf")).Url);
        using var other = await PortalClient.SignInAsync(hub.BaseAddress, (await hub.LinkAsync("portal-csrf")).Url);

        var tried = new List<string>();
        foreach (var (action, fields) in new (string, Dictionary<string, string>)[]
                 {
                     ("webbhook", new() { ["index"] = "0", ["url"] = "https://evil.example.se/hook" }),
                     ("hemlighet", new()),
                     ("omspelning", new() { ["from"] = "2026-01-01T00:00", ["to"] = "2027-01-01T00:00" }),
                     ("test", new() { ["channel"] = "0" }),
                     ("filter", new() { ["do"] = "save", ["area"] = "ovrigt" }),
                     ("manadsbrev", new() { ["do"] = "save", ["recipients"] = "evil@evil.example.se", ["language"] = "sv" }),
                     ("logga-ut", new()),
                 })
        {
            var (missing, html, _) = await client.PostAsync($"/portal/{action}", fields);
            Assert.Equal(HttpStatusCode.Forbidden, missing);
            Assert.Contains("Formuläret nekades", html, StringComparison.Ordinal);
            Assert.Contains("saknade sin säkerhetskod", html, StringComparison.Ordinal);
            var (wrong, _, _) = await client.PostAsync($"/portal/{action}", new(fields) { ["csrf"] = other.Csrf });
            Assert.Equal(HttpStatusCode.Forbidden, wrong);
            var (foreign, _, _) = await client.PostAsync($"/portal/{action}", new(fields) { ["csrf"] = client.Csrf }, origin: "https://evil.example.se");
            Assert.Equal(HttpStatusCode.Forbidden, foreign);
            tried.Add($"POST /portal/{action}: no token 403, another session's token 403, Origin of another site 403");
        }

        // The sign-in form too: without the CSRF cookie its token is not used.
        var link = await hub.LinkAsync("portal-csrf");
        using var bare = new HttpClient { BaseAddress = hub.BaseAddress };
        using var signIn = await bare.PostAsync("/portal/logga-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = link.Url.Split("token=")[1], ["csrf"] = "x" }));
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        tried.Add("POST /portal/logga-in without the sign-in CSRF cookie: 403");
        using var fresh = await PortalClient.SignInAsync(hub.BaseAddress, link.Url);
        tried.Add("the same link afterwards with its page's token: signed in (the refused try used nothing)");

        var partner = await hub.PartnerAsync("portal-csrf");
        Assert.Equal("https://example.se/hook", partner.GetProperty("channels")[0].GetProperty("url").GetString());
        Assert.Single(partner.GetProperty("secrets").EnumerateArray());
        Assert.False(partner.GetProperty("filters").TryGetProperty("areas", out _), "A refused form changed the filters.");
        Assert.False(partner.TryGetProperty("digest", out var digest) && digest.ValueKind == System.Text.Json.JsonValueKind.Object, "A refused form changed the digest.");
        var (still, _) = await client.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, still);
        output.WriteLine(string.Join(Environment.NewLine, tried));
    }
}

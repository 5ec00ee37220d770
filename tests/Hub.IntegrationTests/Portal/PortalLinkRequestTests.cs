using System.Net;
using System.Text.RegularExpressions;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// A new sign-in link asked for on the partner page by e-mail: a digest recipient's address gets one e-mail (through the
/// real SMTP server) whose link signs in; an unknown address gets the same page and no e-mail; past the limit per address
/// the answer is a 429 page, alike for both; the form carries a CSRF token; the audit log names portal:anonymous and no address.
/// </summary>
public sealed partial class PortalLinkRequestTests(PortalHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<PortalHubFixture>, IClassFixture<Browser>
{
    private const string Known = "kim.kvist@portal-mail.example";
    private const string Unknown = "nobody@portal-mail.example";

    private MimeKit.MimeMessage[] MailTo(string address) =>
        hub.Received().Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToArray();

    private async Task<int> AuditedAsync(string action) =>
        (await hub.AuditAsync()).Count(e => e.GetProperty("action").GetString() == action && e.GetProperty("actor").GetString() == "portal:anonymous");

    [Fact]
    public async Task AKnownAddressGetsOneMailWhoseLinkSignsIn_AnUnknownOneTheSamePageAndNoMail_AndTheNextPastTheLimitIsRefused()
    {
        await hub.RegisterPartnerAsync("portal-mail", "0184", ["Kim Kvist <kim.kvist@portal-mail.example>"], new { type = "queue" });

        // The page without a session offers the form.
        var page = await browser.PageAsync(hub.BaseAddress);
        var response = await page.GotoAsync("/portal");
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Du är inte inloggad");
        await PortalPages.CheckAsync(page, "ny-lank", output);

        // An address that is none: refused naming the field.
        await page.GetByLabel("E-postadress").FillAsync("kim.kvist");
        await page.Locator("form[action='/portal/ny-lank']").EvaluateAsync("f => f.noValidate = true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Skicka en länk" }).ClickAsync();
        await Assertions.Expect(page.Locator("#r-email-error")).ToContainTextAsync("E-postadressen: skriv en adress");
        await Assertions.Expect(page.GetByLabel("E-postadress")).ToHaveAttributeAsync("aria-invalid", "true");
        await PortalPages.CheckAsync(page, "ny-lank-fel", output);

        // A recipient's address: the answer, then one e-mail with a link.
        await page.GetByLabel("E-postadress").FillAsync(Known);
        await page.GetByRole(AriaRole.Button, new() { Name = "Skicka en länk" }).ClickAsync();
        var answer = page.GetByRole(AriaRole.Status);
        await Assertions.Expect(answer).ToContainTextAsync("Om adressen tar emot månadsbrevet");
        var knownAnswer = await page.Locator("main").InnerTextAsync();
        await PortalPages.CheckAsync(page, "ny-lank-skickad", output);
        var mail = await LocalHubFixture.EventuallyAsync(async () => { await Task.Yield(); return MailTo(Known).FirstOrDefault(); }, TimeSpan.FromSeconds(30), "the link's e-mail");
        Assert.Equal("Mellanrum: din inloggningslänk till mottagarsidan", mail.Subject);
        Assert.Equal("Kim Kvist", mail.To.Mailboxes.Single().Name);
        var url = LinkPattern().Match(mail.TextBody ?? string.Empty).Value;
        Assert.StartsWith(hub.BaseAddress.ToString().TrimEnd('/') + "/portal/logga-in?token=", url, StringComparison.Ordinal);

        // The link signs in to the partner.
        var signIn = await browser.PageAsync(hub.BaseAddress);
        await signIn.GotoAsync(url);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(signIn.Locator("h1")).ToHaveTextAsync("Översikt");
        await Assertions.Expect(signIn.Locator("main")).ToContainTextAsync("portal-mail");

        // An unknown address: the same page, and (once the hub has looked) no e-mail.
        var other = await browser.PageAsync(hub.BaseAddress);
        await other.GotoAsync("/portal");
        await other.GetByLabel("E-postadress").FillAsync(Unknown);
        await other.GetByRole(AriaRole.Button, new() { Name = "Skicka en länk" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Status)).ToContainTextAsync("Om adressen tar emot månadsbrevet");
        Assert.Equal(knownAnswer, await other.Locator("main").InnerTextAsync());
        await LocalHubFixture.EventuallyAsync(async () => await AuditedAsync("portal.link.requested") >= 1 ? "looked" : null, TimeSpan.FromSeconds(30), "the unknown address's lookup");
        Assert.Empty(MailTo(Unknown));
        Assert.Single(MailTo(Known));

        // Past the limit per address: the same 429 page for the known and the unknown address, and no more e-mail.
        using var client = await PortalClient.SignedOutAsync(hub.BaseAddress);
        var tried = new List<string>();
        foreach (var address in new[] { Known, Unknown })
        {
            for (var i = 2; i <= PortalHubFixture.LinkRequestsPerAddress; i++)
            {
                var (status, _, _) = await client.PostAsync("/portal/ny-lank", new() { ["csrf"] = client.Csrf, ["email"] = address });
                Assert.Equal(HttpStatusCode.OK, status);
                tried.Add($"{(address == Known ? "known" : "unknown")} request {i}: {(int)status}");
            }

            var (limited, html, _) = await client.PostAsync("/portal/ny-lank", new() { ["csrf"] = client.Csrf, ["email"] = address.ToUpperInvariant() });
            Assert.Equal(HttpStatusCode.TooManyRequests, limited);
            Assert.Contains("För många förfrågningar om länkar just nu.", html, StringComparison.Ordinal);
            tried.Add($"{(address == Known ? "known" : "unknown")} request {PortalHubFixture.LinkRequestsPerAddress + 1} (in capitals): {(int)limited}");
        }

        var limitedPage = await browser.PageAsync(hub.BaseAddress);
        await limitedPage.GotoAsync("/portal");
        await limitedPage.GetByLabel("E-postadress").FillAsync(Known);
        await limitedPage.GetByRole(AriaRole.Button, new() { Name = "Skicka en länk" }).ClickAsync();
        await Assertions.Expect(limitedPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("För många förfrågningar");
        await PortalPages.CheckAsync(limitedPage, "ny-lank-begransad", output);

        await LocalHubFixture.EventuallyAsync(async () => await AuditedAsync("partner.portal-link.mailed") >= PortalHubFixture.LinkRequestsPerAddress ? "mailed" : null, TimeSpan.FromSeconds(30), "the known address's e-mails");
        await LocalHubFixture.EventuallyAsync(async () => await AuditedAsync("portal.link.requested") >= PortalHubFixture.LinkRequestsPerAddress ? "looked" : null, TimeSpan.FromSeconds(30), "the unknown address's lookups");
        Assert.Equal(PortalHubFixture.LinkRequestsPerAddress, MailTo(Known).Length);
        Assert.Empty(MailTo(Unknown));

        // Without the form's token: refused.
        var (refused, refusedHtml, _) = await client.PostAsync("/portal/ny-lank", new() { ["email"] = Known });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("Formuläret nekades", refusedHtml, StringComparison.Ordinal);

        // In the audit log as portal:anonymous, never with the address.
        var audit = await hub.AuditAsync();
        Assert.All(audit.Where(e => e.GetProperty("action").GetString() is "partner.portal-link.mailed" or "portal.link.requested"), e => Assert.Equal("portal:anonymous", e.GetProperty("actor").GetString()));
        Assert.DoesNotContain(audit, e => e.ToString().Contains("portal-mail.example", StringComparison.OrdinalIgnoreCase));
        output.WriteLine(string.Join(Environment.NewLine, tried));
    }

    [GeneratedRegex(@"https?://\S+/portal/logga-in\?token=\S+")]
    private static partial Regex LinkPattern();
}

using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// A partner sets its own filters and digest in a browser: updates received last month (the hub's clock set back while
/// they are posted) and this month; the filter preview lists last month's updates the filters (and the partner's own
/// collaborations) would have brought and no others; a refused organisation is named; the saved filters are the
/// partner's. The digest's recipients are saved, an address that is none is refused naming its line, and the preview
/// is last month's e-mail.
/// </summary>
public sealed class PortalSettingsTests(PortalHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<PortalHubFixture>, IClassFixture<Browser>
{
    private const string Partner = "portal-filter";

    private const string InArea = "Beslut om gemensam e-tjänstplattform";
    private const string OtherArea = "Ny konstnärlig gestaltning av torget";
    private const string Own = "Skolskjutsarna samordnas från januari";
    private const string ThisMonth = "Plattformen upphandlas i år";
    private const string OwnThisMonth = "Skolskjutsarna i december";

    private async Task SeedAsync()
    {
        await hub.LastMonthAsync(async () =>
        {
            var source = await hub.RegisterSourceAsync("nacka-portal-filter", "0182");
            await hub.RegisterPartnerAsync(Partner, "0188", ["Åsa Öberg <asa.oberg@norrtalje.example>"], new { type = "queue" });
            await hub.PostAsync(source, "PF-1", "portal-filter-plattform", InArea, "digitalisering", "decision", "0182");
            await hub.PostAsync(source, "PF-2", "portal-filter-torget", OtherArea, "kultur-och-fritid", "decision", "0182");
            await hub.PostAsync(source, "PF-3", "portal-filter-skolskjuts", Own, "utbildning", "decision", "0182", "0188");
        });

        var now = await hub.RegisterSourceAsync("nacka-portal-filter-now", "0182");
        await hub.PostAsync(now, "PF-4", "portal-filter-plattform-nu", ThisMonth, "digitalisering", "decision", "0182");
        await hub.PostAsync(now, "PF-5", "portal-filter-skolskjuts", OwnThisMonth, "utbildning", "decision", "0182");
    }

    private async Task<IPage> SignInAsync()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync((await hub.LinkAsync(Partner)).Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Översikt");
        return page;
    }

    [Fact]
    public async Task FiltersAreSaved_AndThePreviewListsLastMonthsMatches_AndTheDigestsRecipientsAndPreviewToo()
    {
        await SeedAsync();
        var page = await SignInAsync();

        // Filters: none yet, so only the partner's own collaboration's update of last month.
        await page.GetByRole(AriaRole.Link, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Filter");
        var matches = page.GetByRole(AriaRole.Table, new() { Name = "Uppdateringar som hade gått till er, nyast först" });
        await Assertions.Expect(matches).ToContainTextAsync(Own);
        await Assertions.Expect(matches).ToContainTextAsync("Er organisation deltar");
        await Assertions.Expect(page.Locator("#preview-heading")).ToContainTextAsync("med de sparade filtren");
        Assert.Equal(1, await matches.Locator("tbody tr").CountAsync());
        await PortalPages.CheckAsync(page, "filter", output);

        // Tried first: the area Digitalisering brings last month's update in that area, not the other area's, not this month's.
        await page.GetByLabel("Digitalisering").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Förhandsgranska" }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-heading")).ToContainTextAsync("inte sparade");
        await Assertions.Expect(matches).ToContainTextAsync(InArea);
        await Assertions.Expect(matches).ToContainTextAsync("Filtren");
        await Assertions.Expect(matches.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("1 genom filtren, 1 för att er organisation deltar");
        await Assertions.Expect(matches).Not.ToContainTextAsync(OtherArea);
        await Assertions.Expect(matches).Not.ToContainTextAsync(ThisMonth);
        await Assertions.Expect(matches).Not.ToContainTextAsync(OwnThisMonth);
        await Assertions.Expect(page.GetByLabel("Digitalisering")).ToBeCheckedAsync();
        Assert.False((await hub.PartnerAsync(Partner)).GetProperty("filters").TryGetProperty("areas", out _), "A preview saved the filters.");
        await PortalPages.CheckAsync(page, "filter-forhandsgranskning", output);

        // An organisation that is none: refused, naming the field and the value; nothing saved.
        await page.GetByLabel("Organisationer (någon av dem deltar)").FillAsync("Ingenstans");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara filtren" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Organisationer: ”Ingenstans” är ingen känd kommunkod");
        await Assertions.Expect(page.GetByLabel("Organisationer (någon av dem deltar)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("Organisationer (någon av dem deltar)")).ToHaveValueAsync("Ingenstans");
        Assert.False((await hub.PartnerAsync(Partner)).GetProperty("filters").TryGetProperty("areas", out _), "A refused set was saved.");
        await PortalPages.CheckAsync(page, "filter-fel", output);

        // Saved: the partner's filters, and the preview of the saved ones lists the same.
        await page.GetByLabel("Organisationer (någon av dem deltar)").FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara filtren" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Filtren är sparade");
        await Assertions.Expect(page.Locator("#preview-heading")).ToContainTextAsync("med de sparade filtren");
        await Assertions.Expect(matches).ToContainTextAsync(InArea);
        await Assertions.Expect(matches.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(matches).Not.ToContainTextAsync(OtherArea);
        await Assertions.Expect(matches).Not.ToContainTextAsync(ThisMonth);
        var filters = (await hub.PartnerAsync(Partner)).GetProperty("filters");
        Assert.Equal(["digitalisering"], filters.GetProperty("areas").EnumerateArray().Select(a => a.GetString()));
        Assert.False(filters.TryGetProperty("organisations", out _));
        await PortalPages.CheckAsync(page, "filter-sparade", output);

        // The digest: the saved recipient, and last month's e-mail (the own collaboration's update of last month, not this month's).
        await page.GetByRole(AriaRole.Link, new() { Name = "Månadsbrev", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Månadsbrev");
        await Assertions.Expect(page.GetByLabel("Mottagare")).ToHaveValueAsync("Åsa Öberg <asa.oberg@norrtalje.example>");
        var mail = page.GetByRole(AriaRole.Region, new() { Name = "Månadsbrevets text" });
        await Assertions.Expect(mail).ToContainTextAsync(Own);
        await Assertions.Expect(mail).Not.ToContainTextAsync(OwnThisMonth);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Mellanrum: månadsbrev");
        await PortalPages.CheckAsync(page, "manadsbrev", output);

        // An address that is none: refused naming its line; nothing saved.
        await page.GetByLabel("Mottagare").FillAsync("Åsa Öberg <asa.oberg@norrtalje.example>\ninte en adress");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Mottagare, rad 2: ”inte en adress” är ingen e-postadress.");
        await Assertions.Expect(page.GetByLabel("Mottagare")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Single((await hub.PartnerAsync(Partner)).GetProperty("digest").GetProperty("recipients").EnumerateArray());
        await PortalPages.CheckAsync(page, "manadsbrev-fel", output);

        // Tried in English first, then saved: two recipients, English; the preview is last month's e-mail in English.
        await page.GetByLabel("Mottagare").FillAsync("Åsa Öberg <asa.oberg@norrtalje.example>\nit@norrtalje.example");
        await page.GetByLabel("English").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Förhandsgranska" }).ClickAsync();
        await Assertions.Expect(page.Locator("#digest-preview-heading")).ToContainTextAsync("inte sparat");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Mellanrum: monthly digest");
        Assert.Equal("sv", (await hub.PartnerAsync(Partner)).GetProperty("digest").GetProperty("language").GetString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Mottagarna och språket är sparade");
        await Assertions.Expect(mail).ToContainTextAsync(Own);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Mellanrum: monthly digest");
        var digest = (await hub.PartnerAsync(Partner)).GetProperty("digest");
        Assert.Equal(["Åsa Öberg <asa.oberg@norrtalje.example>", "it@norrtalje.example"], digest.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("en", digest.GetProperty("language").GetString());
        await PortalPages.CheckAsync(page, "manadsbrev-sparat", output);

        // In English, too.
        await page.GotoAsync("/portal/filter?lang=en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Filters");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Updates that would have gone to you, newest first" })).ToContainTextAsync(InArea);
        await PortalPages.CheckAsync(page, "filter-en", output);
        await page.GotoAsync("/portal/manadsbrev?lang=en");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "The digest's text" })).ToContainTextAsync(Own);
        await PortalPages.CheckAsync(page, "manadsbrev-en", output);

        // Each change in the audit log with the session as its actor, and no e-mail address in it.
        var audit = await hub.AuditAsync();
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "partner.filters.changed" && e.GetProperty("target").GetString() == Partner && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal));
        var changed = audit.Where(e => e.GetProperty("action").GetString() == "partner.digest.changed").ToArray();
        var entry = Assert.Single(changed);
        Assert.StartsWith("portal:", entry.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal("2 recipient(s), language en", entry.GetProperty("detail").GetString());
        Assert.DoesNotContain(audit, e => e.ToString().Contains("norrtalje.example", StringComparison.Ordinal));
        output.WriteLine(JsonSerializer.Serialize(changed));
    }
}

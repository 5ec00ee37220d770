using System.Net;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// Partner A's session cannot read or act on partner B: every page and every form of the partner page tried with B's
/// ids (its partner id, an update routed only to B, B's paging cursor, B's link id, B's session's CSRF token), each
/// answer checked for B's data and B checked unchanged afterwards. The test prints what it tried.
/// </summary>
public sealed class PortalIsolationTests(PortalHubFixture hub, ITestOutputHelper output) : IClassFixture<PortalHubFixture>
{
    [Fact]
    public async Task PartnerASession_CannotReadOrActOnPartnerB_OnAnyPageOrForm()
    {
        var source = await hub.RegisterSourceAsync("nacka-portal-iso", "0182");
        await hub.RegisterPartnerAsync("portal-a", "0180", new { type = "webhook", url = "http://127.0.0.1:59998/a-hook" });
        await hub.RegisterPartnerAsync("portal-b", "0181", ["B Mottagare <b-recipient@portal-b.example>"], new { type = "queue" }, new { type = "webhook", url = "http://127.0.0.1:59999/b-hook" });
        var aUpdate = await hub.PostAsync(source, "PORTAL-ISO-A", "portal-samverkan-a", "0180");
        var bUpdate = await hub.PostAsync(source, "PORTAL-ISO-B", "portal-samverkan-b", "0181");
        var bOthers = new List<string>();
        for (var i = 2; i <= 3; i++)
        {
            bOthers.Add(await hub.PostAsync(source, $"PORTAL-ISO-B{i}", "portal-samverkan-b", "0181"));
        }

        await LocalHubFixture.EventuallyAsync(
            async () => (await hub.DeliveriesAsync("portal-b")).GetProperty("items").EnumerateArray().Count(a => a.GetProperty("channel").GetString() == "queue" && a.GetProperty("status").GetString() == "delivered") >= 3 ? "b" : null,
            TimeSpan.FromSeconds(30),
            "B's queue deliveries");
        await LocalHubFixture.EventuallyAsync(
            async () => (await hub.DeliveriesAsync("portal-b")).GetProperty("deadLetters").GetArrayLength() >= 3 ? "settled" : null,
            TimeSpan.FromSeconds(60),
            "B's unreachable webhook to give up (so B's log stands still)");
        await LocalHubFixture.EventuallyAsync(
            async () => (await hub.DeliveriesAsync("portal-a")).GetProperty("items").EnumerateArray().Any(a => a.GetProperty("updateId").GetString() == aUpdate) ? "a" : null,
            TimeSpan.FromSeconds(30),
            "A's attempt");

        var bLink = await hub.LinkAsync("portal-b");
        using var b = await PortalClient.SignInAsync(hub.BaseAddress, bLink.Url);
        var (_, bPage) = await b.GetAsync("/portal/leveranser?kanal=queue");
        Assert.Contains(bUpdate, bPage, StringComparison.Ordinal);
        using var a = await PortalClient.SignInAsync(hub.BaseAddress, (await hub.LinkAsync("portal-a")).Url);
        var bBefore = await hub.PartnerAsync("portal-b");
        var bLogBefore = (await hub.DeliveriesAsync("portal-b")).GetProperty("items").GetArrayLength();

        // B's paging cursor: B's page one row long has a link to the next.
        var (_, bPaged) = await b.GetAsync("/portal/leveranser?kanal=queue&antal=1");
        var bCursor = System.Text.RegularExpressions.Regex.Match(bPaged, "cursor=([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.NotEmpty(bCursor);

        var tried = new List<string>();
        // What only B's pages show (what A's request names may be echoed back, as in a filter's field, but never B's data).
        string[] bSecrets = ["59999/b-hook", "<strong>portal-b</strong>", $"<code>{bUpdate}</code>", "b-recipient@portal-b.example", .. bOthers];

        async Task PageAsync(string path, HttpStatusCode expected)
        {
            var (status, html) = await a.GetAsync(path);
            Assert.Equal(expected, status);
            foreach (var secret in bSecrets)
            {
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }

            Assert.True(status != HttpStatusCode.OK || html.Contains("<strong>portal-a</strong>", StringComparison.Ordinal) || path.StartsWith("/portal/logga-in", StringComparison.Ordinal), $"{path} is not A's page.");
            tried.Add($"GET {path} -> {(int)status}, {(status == HttpStatusCode.OK ? "A's own page, " : string.Empty)}none of B's webhook, updates or name as the signed-in partner");
        }

        async Task FormAsync(string path, Dictionary<string, string> form, HttpStatusCode expected, string what)
        {
            var (status, html, _) = await a.PostAsync(path, form);
            Assert.Equal(expected, status);
            foreach (var secret in bSecrets)
            {
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }

            tried.Add($"POST {path} {string.Join('&', form.Where(f => f.Key != "csrf").Select(f => $"{f.Key}={f.Value}"))} -> {(int)status}, {what}");
        }

        await PageAsync("/portal?partner=portal-b", HttpStatusCode.OK);
        await PageAsync("/portal?partnerId=portal-b&lang=en", HttpStatusCode.OK);
        await PageAsync("/portal/portal-b", HttpStatusCode.NotFound);
        await PageAsync($"/portal/leveranser?uppdatering={bUpdate}", HttpStatusCode.OK);
        await PageAsync($"/portal/leveranser?partner=portal-b&kanal=queue", HttpStatusCode.OK);
        await PageAsync($"/portal/leveranser?cursor={bCursor}", HttpStatusCode.OK);
        await PageAsync("/portal/omspelning?partner=portal-b", HttpStatusCode.OK);
        await PageAsync("/portal/installningar?partner=portal-b", HttpStatusCode.OK);
        await PageAsync("/portal/filter?partner=portal-b&partnerId=portal-b", HttpStatusCode.OK);
        await PageAsync("/portal/manadsbrev?partner=portal-b&partnerId=portal-b", HttpStatusCode.OK);
        await PageAsync($"/portal/logga-in?token={Uri.EscapeDataString(bLink.Url.Split("token=")[1])}&partner=portal-b", HttpStatusCode.OK);

        await FormAsync("/portal/omspelning", new() { ["csrf"] = a.Csrf, ["update"] = bUpdate }, HttpStatusCode.NotFound, "\"no such update in your deliveries\", nothing sent");
        await FormAsync("/portal/omspelning", new() { ["csrf"] = a.Csrf, ["update"] = bUpdate, ["partner"] = "portal-b" }, HttpStatusCode.NotFound, "the same with B's partner id beside it");
        await FormAsync("/portal/omspelning", new() { ["csrf"] = a.Csrf, ["from"] = "2026-01-01T00:00", ["to"] = "2030-01-01T00:00", ["partner"] = "portal-b", ["partnerId"] = "portal-b" }, HttpStatusCode.OK, "A's own range replayed (A's update only)");
        await FormAsync("/portal/test", new() { ["csrf"] = a.Csrf, ["channel"] = "1", ["partner"] = "portal-b" }, HttpStatusCode.BadRequest, "B's second channel is no channel of A's");
        await FormAsync("/portal/test", new() { ["csrf"] = a.Csrf, ["channel"] = "0", ["partner"] = "portal-b" }, HttpStatusCode.OK, "the test event goes to A's own channel");
        await FormAsync("/portal/webbhook", new() { ["csrf"] = a.Csrf, ["index"] = "0", ["url"] = "http://127.0.0.1:59997/a2-hook", ["partner"] = "portal-b" }, HttpStatusCode.SeeOther, "A's own webhook changed");
        await FormAsync("/portal/webbhook", new() { ["csrf"] = a.Csrf, ["index"] = "1", ["url"] = "http://127.0.0.1:59996/evil", ["partner"] = "portal-b" }, HttpStatusCode.BadRequest, "B's second webhook index is no webhook of A's");
        await FormAsync("/portal/hemlighet", new() { ["csrf"] = a.Csrf, ["partner"] = "portal-b" }, HttpStatusCode.OK, "A's own secret rotated");
        await FormAsync("/portal/filter", new() { ["csrf"] = a.Csrf, ["do"] = "save", ["area"] = "upphandling", ["partner"] = "portal-b", ["partnerId"] = "portal-b" }, HttpStatusCode.SeeOther, "A's own filters saved");
        await FormAsync("/portal/filter", new() { ["csrf"] = a.Csrf, ["do"] = "preview", ["collaborations"] = "portal-samverkan-b", ["partner"] = "portal-b" }, HttpStatusCode.OK, "a preview of A's own routing with B's collaboration as a filter: none of B's updates (they are this month's)");
        await FormAsync("/portal/manadsbrev", new() { ["csrf"] = a.Csrf, ["do"] = "save", ["recipients"] = "a-recipient@portal-a.example", ["language"] = "sv", ["partner"] = "portal-b", ["partnerId"] = "portal-b" }, HttpStatusCode.SeeOther, "A's own digest recipients saved");
        await FormAsync("/portal/manadsbrev", new() { ["csrf"] = a.Csrf, ["do"] = "preview", ["recipients"] = "a-recipient@portal-a.example", ["language"] = "en", ["partner"] = "portal-b" }, HttpStatusCode.OK, "a preview of A's own digest");
        await FormAsync("/portal/filter", new() { ["csrf"] = b.Csrf, ["do"] = "save", ["area"] = "ovrigt" }, HttpStatusCode.Forbidden, "B's CSRF token with A's cookie refused (filters)");
        await FormAsync("/portal/manadsbrev", new() { ["csrf"] = b.Csrf, ["do"] = "save", ["recipients"] = "evil@portal-a.example" }, HttpStatusCode.Forbidden, "B's CSRF token with A's cookie refused (digest)");
        await FormAsync("/portal/omspelning", new() { ["csrf"] = b.Csrf, ["update"] = aUpdate }, HttpStatusCode.Forbidden, "B's CSRF token with A's cookie refused");
        await FormAsync("/portal/logga-ut", new() { ["csrf"] = b.Csrf }, HttpStatusCode.Forbidden, "signing out with B's CSRF token refused");

        // The operator's API with A's session cookie (no admin key): refused.
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Post, "/api/v1/admin/partners/portal-b/portal-links"),
                     (HttpMethod.Delete, $"/api/v1/admin/partners/portal-b/portal-links/{bLink.Id}"),
                     (HttpMethod.Get, "/api/v1/admin/partners/portal-b/deliveries"),
                     (HttpMethod.Post, "/api/v1/admin/partners/portal-b/deliveries/replay?from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"),
                 })
        {
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = a.Cookies }) { BaseAddress = hub.BaseAddress };
            using var response = await http.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            tried.Add($"{method} {path.Split('?')[0]} with A's session cookie -> 401");
        }

        // B is as it was: its channels, its one secret, its deliveries (nothing replayed or sent to it), its session.
        var bAfter = await hub.PartnerAsync("portal-b");
        Assert.Equal(bBefore.GetProperty("channels").ToString(), bAfter.GetProperty("channels").ToString());
        Assert.Equal(bBefore.GetProperty("secrets").ToString(), bAfter.GetProperty("secrets").ToString());
        Assert.Equal(bBefore.GetProperty("filters").ToString(), bAfter.GetProperty("filters").ToString());
        Assert.Equal(bBefore.GetProperty("digest").ToString(), bAfter.GetProperty("digest").ToString());
        Assert.Equal(bLogBefore, (await hub.DeliveriesAsync("portal-b")).GetProperty("items").GetArrayLength());
        var (bStill, _) = await b.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, bStill);
        var aAfter = await hub.PartnerAsync("portal-a");
        Assert.Equal("http://127.0.0.1:59997/a2-hook", aAfter.GetProperty("channels")[0].GetProperty("url").GetString());
        Assert.Equal(2, aAfter.GetProperty("secrets").GetArrayLength());
        Assert.Equal("upphandling", aAfter.GetProperty("filters").GetProperty("areas")[0].GetString());
        Assert.Equal("a-recipient@portal-a.example", aAfter.GetProperty("digest").GetProperty("recipients")[0].GetString());
        tried.Add("afterwards: B's channels, secrets, filters, digest recipients and delivery log unchanged, B's session still signed in; A's webhook, secret, filters and recipients changed");

        var audit = await hub.AuditAsync();
        Assert.DoesNotContain(audit, e => e.GetProperty("target").GetString() == "portal-b" && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal) && e.GetProperty("action").GetString() != "portal.signed-in");
        output.WriteLine($"Partner A's session tried with partner B's ids ({tried.Count} tries):");
        output.WriteLine(string.Join(Environment.NewLine, tried.Select((t, i) => $"{i + 1,2}. {t}")));
        File.WriteAllLines(Path.Combine(TestOutput.Folder("portal"), "cross-partner-tries.txt"), tried);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mellanrum.Hub.IntegrationTests.Register;

/// <summary>
/// The public register in Chromium against Hub.Local with <see cref="RegisterHubFixture.Seeded"/> seeded collaborations
/// among 290 municipalities: search by a Swedish inflected form, filters, a collaboration's members and its alike ones,
/// an organisation's page, the map (drawn, timed, clicked, keyboard), axe on every page at 375, 1024 and 1280 px with
/// screenshots, the open data, and a collaboration marked not public appearing nowhere public.
/// </summary>
public sealed class RegisterPageTests(RegisterHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<RegisterHubFixture>, IClassFixture<Browser>
{
    public static TheoryData<string, string, int> Pages()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var width in new[] { 375, 1024, 1280 })
        {
            data.Add("samverkan", "/samverkan", width);
            data.Add("samverkan-sok", "/samverkan?q=reningsverk&area=samhallsbyggnad", width);
            data.Add("samverkan-id", "/samverkan/" + RegisterHubFixture.Water, width);
            data.Add("organisation", "/organisationer/0180", width);
            data.Add("samverkanskartan", "/samverkanskartan", width);
            data.Add("samverkanskartan-lan", "/samverkanskartan?county=01&lang=en", width);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryRegisterPage_AtEachWidth_HasNoSeriousAxeViolation_AndNoSidewaysScroll(string name, string path, int width)
    {
        var page = await browser.PageAsync(hub.BaseAddress, width);
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        var map = name.StartsWith("samverkanskartan", StringComparison.Ordinal);
        if (map)
        {
            await Expect(page.Locator("#kartan")).ToHaveAttributeAsync("data-drawn", "true", new() { Timeout = 30_000 });
        }

        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        var violations = await Browser.SeriousViolationsAsync(page);
        var summary = $"{path} {width} px: {violations.Count} serious or critical (WCAG 2.1 A/AA); all rules: {await Browser.AxeSummaryAsync(page)}";
        output.WriteLine(summary);
        await File.AppendAllTextAsync(Path.Combine(TestOutput.Folder("screenshots"), "register-axe.txt"), summary + Environment.NewLine);
        await Browser.ScreenshotAsync(page, $"register-{name}-{width}", fullPage: !map);
        Assert.Empty(violations);
        Assert.True(await Browser.ScrollWidthAsync(page) <= width, "The page scrolls sideways.");
    }

    [Fact]
    public async Task Search_FindsACollaboration_ByAnotherInflectedFormOfAWordInItsDescription()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkan");
        await page.GetByLabel("Sökord").FillAsync("vattenreningsverken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sök", Exact = true }).ClickAsync();

        await Expect(page.Locator("h2#traffar")).ToHaveTextAsync("2 samverkningar matchar");
        await Expect(page.Locator("ol.results h3 a")).ToHaveTextAsync([RegisterHubFixture.WaterName, RegisterHubFixture.WaterElsewhereName]);
        Assert.Contains("q=vattenreningsverken", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_NarrowTheList_AndEveryItemLeftMatchesThem()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkan");
        var all = await CountAsync(page);
        Assert.True(all >= RegisterHubFixture.Seeded, $"{all} collaborations listed");

        await page.GetByLabel("Område").SelectOptionAsync(new SelectOptionValue { Label = "Utbildning" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sök", Exact = true }).ClickAsync();
        await Expect(page.Locator("h2#traffar")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Alla"));
        var inArea = await CountAsync(page);

        await page.GetByLabel("Län").SelectOptionAsync(new SelectOptionValue { Label = "Uppsala län" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sök", Exact = true }).ClickAsync();
        await Expect(page.Locator("#county")).ToHaveValueAsync("03");
        var inCounty = await CountAsync(page);
        output.WriteLine($"all {all}, area utbildning {inArea}, and Uppsala län {inCounty}");
        Assert.InRange(inArea, 1, all - 1);
        Assert.InRange(inCounty, 1, inArea - 1);
        foreach (var meta in await page.Locator("ol.results .meta").AllInnerTextsAsync())
        {
            Assert.Contains("Utbildning", meta, StringComparison.Ordinal);
        }

        // The next page keeps the filters.
        if (inCounty > 20)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Nästa sida" }).ClickAsync();
            await Expect(page.Locator("#county")).ToHaveValueAsync("03");
            await Expect(page.Locator("#area")).ToHaveValueAsync("utbildning");
        }
    }

    [Fact]
    public async Task ACollaborationsPage_ListsItsMembers_ItsUpdatesNewestFirst_AndAlikeCollaborationsElsewhere()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkan/" + RegisterHubFixture.Water);
        await Expect(page.Locator("h1")).ToHaveTextAsync(RegisterHubFixture.WaterName);
        var members = page.Locator("table[aria-labelledby=medlemmar] tbody tr td:first-child");
        await Expect(members).ToHaveTextAsync([RegisterHubFixture.Region, "Solna", "Stockholm", "Sundbyberg"]);
        await Expect(page.Locator("ol.updates h3")).ToHaveTextAsync(["Beslut om gemensamt reningsverk", "Förstudien om vattenrening klar"]);

        var alike = page.Locator("ul.alike li").Filter(new() { HasText = RegisterHubFixture.WaterElsewhereName });
        await Expect(alike).ToContainTextAsync("Gemensamma ord");
        await Expect(alike).ToContainTextAsync("vattenreningsverk");
        await alike.GetByRole(AriaRole.Link, new() { Name = RegisterHubFixture.WaterElsewhereName }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(RegisterHubFixture.WaterElsewhereName);
    }

    [Fact]
    public async Task AnOrganisationsPage_ShowsWhatItTakesPartIn_WithWhom_AndWhatOthersDoAlike_AndANameLeadsToIt()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/organisationer/Stockholm?lang=en");
        Assert.EndsWith("/organisationer/0180?lang=en", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Stockholm");
        await Expect(page.Locator("ul.results")).ToContainTextAsync(RegisterHubFixture.WaterName);
        await Expect(page.Locator("table[aria-labelledby=partner]")).ToContainTextAsync("Solna");
        await Expect(page.Locator("ul.alike li").First).ToContainTextAsync("Shared words");

        // Region Stockholm takes part in one collaboration: what reads like it elsewhere is the one on the west coast.
        var region = await page.GotoAsync("/organisationer/" + RegisterHubFixture.Region);
        Assert.Equal(200, region!.Status);
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("http://dataportal.se/organisation/SE2321000016");
        var alike = page.Locator("ul.alike li").First;
        await Expect(alike).ToContainTextAsync(RegisterHubFixture.WaterElsewhereName);
        await Expect(alike).ToContainTextAsync("liknar " + RegisterHubFixture.WaterName);
        var unknown = await page.GotoAsync("/organisationer/9999");
        Assert.Equal(404, unknown!.Status);
    }

    [Fact]
    public async Task TheMap_DrawsTheWholeRegister_AndAClickOnAMunicipalityOpensItsPage()
    {
        var page = await browser.PageAsync(hub.BaseAddress, 1280);
        await page.GotoAsync("/samverkanskartan");
        var map = page.Locator("#kartan");
        await Expect(map).ToHaveAttributeAsync("data-drawn", "true", new() { Timeout = 30_000 });
        var drawn = int.Parse((await map.GetAttributeAsync("data-drawn-ms"))!, CultureInfo.InvariantCulture);
        var script = int.Parse((await map.GetAttributeAsync("data-script-ms"))!, CultureInfo.InvariantCulture);
        var nodes = await map.GetAttributeAsync("data-nodes");
        var edges = await map.GetAttributeAsync("data-edges");
        var line = $"Map of {nodes} nodes and {edges} edges ({RegisterHubFixture.Seeded}+ collaborations, 290 municipalities): drawn {drawn} ms after navigation started, {script} ms of it the map's script (seeding took {hub.SeedTime.TotalSeconds:0} s)";
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(TestOutput.Folder("screenshots"), "map-timing.txt"), DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture) + " " + line + Environment.NewLine);
        Assert.True(int.Parse(nodes!, CultureInfo.InvariantCulture) >= 290 + RegisterHubFixture.Seeded);

        var at = await page.EvaluateAsync<double[]>(
            "async () => { const cy = window.samverkanskartan; const n = cy.$id('o-0180'); cy.zoom({ level: 2, renderedPosition: n.renderedPosition() }); cy.center(n); await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))); const p = n.renderedPosition(); const r = document.getElementById('kartan').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }");
        await page.Mouse.ClickAsync((float)at[0], (float)at[1]);
        await page.WaitForURLAsync("**/organisationer/0180", new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("h1")).ToHaveTextAsync("Stockholm");
    }

    [Fact]
    public async Task TheMap_IsOneTabStop_WhoseArrowKeysReachEveryNode_AndEnterOpensIt()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkanskartan?county=03");
        var map = page.Locator("#kartan");
        await Expect(map).ToHaveAttributeAsync("data-drawn", "true", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(map).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Home");
        var first = page.Locator("#kartan-val");
        await Expect(first).ToContainTextAsync("samverk");
        var firstText = await first.InnerTextAsync();
        var nodes = int.Parse((await map.GetAttributeAsync("data-nodes"))!, CultureInfo.InvariantCulture);
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(first).Not.ToHaveTextAsync(firstText);
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(first).ToHaveTextAsync(firstText);
        output.WriteLine($"{nodes} nodes in Uppsala län's map, each one arrow key from the next");

        await page.Keyboard.PressAsync("Enter");
        // The first node is an organisation (they come before the collaborations): Enter opens its page.
        await page.WaitForURLAsync(url => url.Contains("/organisationer/", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("h2#deltar")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheMapsTable_HoldsEveryCollaborationOnTheMap_WithItsMembers()
    {
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkanskartan?area=samhallsbyggnad&county=14");
        var rows = page.Locator("table[aria-labelledby=tabell] tbody tr").Filter(new() { HasText = RegisterHubFixture.WaterElsewhereName });
        await Expect(rows).ToContainTextAsync("Göteborg, Härryda, Partille");
        await Expect(page.Locator("table[aria-labelledby=tabell]")).Not.ToContainTextAsync(RegisterHubFixture.WaterName);
    }

    [Fact]
    public async Task TheOpenData_IsCsvAndJson_TheCsvStartsWithItsHeader_AndNamesOrganisationsByTheirDataportalUri()
    {
        using var csvAnswer = await hub.Client.GetAsync("/api/v1/register?format=csv");
        Assert.Equal(HttpStatusCode.OK, csvAnswer.StatusCode);
        Assert.Equal("text/csv", csvAnswer.Content.Headers.ContentType?.MediaType);
        var csv = await csvAnswer.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n");
        output.WriteLine(string.Join(Environment.NewLine, lines.Take(4)));
        await File.WriteAllLinesAsync(Path.Combine(TestOutput.Folder("screenshots"), "register-first-lines.csv"), lines.Take(6));
        Assert.Equal("id,name,description,form,area,status,owner,members,memberNames,counties,tags,firstActivity,lastActivity,updateCount,url", lines[0]);
        Assert.Equal(RegisterHubFixture.Seeded + 2, lines.Count(l => l.Length > 0) - 1);

        var accept = new HttpRequestMessage(HttpMethod.Get, "/api/v1/register");
        accept.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var negotiated = await hub.Client.SendAsync(accept);
        Assert.Equal("text/csv", negotiated.Content.Headers.ContentType?.MediaType);

        using var jsonAnswer = await hub.Client.GetAsync("/api/v1/register");
        var json = await jsonAnswer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(RegisterHubFixture.Seeded + 2, json.GetProperty("count").GetInt32());
        var water = json.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == RegisterHubFixture.Water);
        Assert.Equal($"{hub.BaseAddress.ToString().TrimEnd('/')}/samverkan/{RegisterHubFixture.Water}", water.GetProperty("url").GetString());
        var region = water.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("organisation").GetString() == RegisterHubFixture.Region);
        Assert.Equal("http://dataportal.se/organisation/SE2321000016", region.GetProperty("uri").GetString());
    }

    [Fact]
    public async Task TheDcatCatalogue_IsJsonLd_WhoseDatasetNamesTheCsvAsADistribution()
    {
        using var answer = await hub.Client.GetAsync("/api/v1/dcat");
        Assert.Equal("application/ld+json", answer.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        var graph = JsonLd.Expand(document);
        var dataset = Assert.Single(graph, n => n.Types.Contains("http://www.w3.org/ns/dcat#Dataset"));
        var distributions = dataset.Ids("http://www.w3.org/ns/dcat#distribution").Select(id => graph.Single(n => n.Id == id)).ToArray();
        var csv = Assert.Single(distributions, d => d.Ids("http://www.w3.org/ns/dcat#mediaType").Contains("https://www.iana.org/assignments/media-types/text/csv"));
        Assert.Contains("http://www.w3.org/ns/dcat#Distribution", csv.Types);
        var url = Assert.Single(csv.Ids("http://www.w3.org/ns/dcat#downloadURL"));
        Assert.EndsWith("/api/v1/register?format=csv", url, StringComparison.Ordinal);
        Assert.Contains("http://publications.europa.eu/resource/authority/file-type/CSV", csv.Ids("http://purl.org/dc/terms/format"));
        Assert.Contains("http://dataportal.se/organisation/SE2321000016", dataset.Ids("http://purl.org/dc/terms/creator"));

        using var downloaded = await hub.Client.GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal("text/csv", downloaded.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ACollaborationMarkedNotPublic_AppearsNowherePublic_ButItsMembersStillSeeIt()
    {
        var hidden = RegisterHubFixture.Hidden;
        string[] marks = [hidden, "Kråkslott", "krakslott"];
        var page = await browser.PageAsync(hub.BaseAddress);
        await page.GotoAsync("/samverkan?q=kråkslottet");
        await Expect(page.Locator("h2#traffar")).ToHaveTextAsync("0 samverkningar matchar");

        foreach (var path in new[] { "/samverkan", "/samverkanskartan", "/samverkanskartan?county=01", "/organisationer/0180", "/organisationer/0186", "/api/v1/register", "/api/v1/register?format=csv", "/api/v1/dcat", "/api/v1/collaborations?limit=100" })
        {
            using var answer = await hub.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadAsStringAsync();
            foreach (var mark in marks)
            {
                Assert.False(body.Contains(mark, StringComparison.OrdinalIgnoreCase), $"{path} shows {mark}");
            }
        }

        var own = await page.GotoAsync("/samverkan/" + hidden);
        Assert.Equal(404, own!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Hittades inte");
        using var asked = await hub.Client.GetAsync("/samverkan/" + hidden);
        Assert.Equal(HttpStatusCode.NotFound, asked.StatusCode);
        Assert.Equal("application/problem+json", asked.Content.Headers.ContentType?.MediaType);
        using var api = await hub.Client.GetAsync("/api/v1/collaborations/" + hidden);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);

        var member = new HttpRequestMessage(HttpMethod.Get, "/api/v1/collaborations/" + hidden);
        member.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hub.Stockholm.Key);
        using var seen = await hub.Client.SendAsync(member);
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
    }

    [Theory]
    [InlineData("/samverkan?area=rymden", "area")]
    [InlineData("/samverkan?county=99", "county")]
    [InlineData("/samverkan?member=Atlantis", "member")]
    [InlineData("/samverkan?page=0", "page")]
    [InlineData("/samverkan?page=9999", "page")]
    [InlineData("/samverkan/vatten-malardalen?cursor=inte-en-markor", "cursor")]
    [InlineData("/samverkanskartan?area=rymden", "area")]
    [InlineData("/api/v1/register?format=xml", "format")]
    public async Task BadQueryInput_IsA400ProblemNamingTheParameter(string path, string parameter)
    {
        using var answer = await hub.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(parameter, problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()));
    }

    private static async Task<int> CountAsync(IPage page)
    {
        var heading = await page.Locator("h2#traffar").InnerTextAsync();
        return int.Parse(new string(heading.SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray()), CultureInfo.InvariantCulture);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Register;

/// <summary>
/// Hub.Local with a seeded public register: <see cref="Seeded"/> collaborations among all 290 municipalities (members
/// mostly from one county, as collaboration mostly is), written through the hub's own collaboration store, and a few
/// known ones the tests look for, made through the API as a municipality's system would: <see cref="Water"/> (with
/// updates), <see cref="WaterElsewhere"/> (reads like it, no member in common) and <see cref="Hidden"/> (marked
/// <c>"public": false</c> by its owner).
/// </summary>
public sealed class RegisterHubFixture : LocalHubFixture
{
    public const int Seeded = 2000;

    public const string Water = "vatten-malardalen";
    public const string WaterName = "Vattenrening i Mälardalen";
    public const string WaterElsewhere = "vatten-vastkusten";
    public const string WaterElsewhereName = "Reningsverk på Västkusten";
    public const string Hidden = "hemlig-krakslottet";
    public const string HiddenName = "Kråkslottets hemliga samverkan";

    /// <summary>Region Stockholm's organisationsnummer: a member that is not a municipality.</summary>
    public const string Region = "232100-0016";

    private static readonly string[] Topics =
    [
        "Gemensam e-arkivering|Kommunerna arkiverar allmänna handlingar i ett gemensamt e-arkiv och delar på kostnaden för drift och förvaltning.|digitalisering|e-arkiv",
        "Skolskjutsar|Samordnad upphandling av skolskjutsar och gemensam planering av skolskjutsarnas linjer.|utbildning|skolskjuts",
        "Vuxenutbildning i samverkan|Ett gemensamt utbud av yrkesutbildningar för vuxna, med studievägledning på distans.|utbildning|vuxenutbildning",
        "Räddningstjänst|Ett gemensamt räddningstjänstförbund med larmcentral och tillsyn enligt lagen om skydd mot olyckor.|krisberedskap|räddningstjänst",
        "Överförmyndare|En gemensam överförmyndarnämnd som granskar ställföreträdare för barn och vuxna.|social-valfard|överförmyndare",
        "Upphandlingscenter|Kommunerna upphandlar livsmedel, fordon och konsulttjänster tillsammans genom ett upphandlingscenter.|upphandling|livsmedel",
        "Arbetsmarknadsinsatser|Insatser för unga utan arbete: praktikplatser, handledning och kontakter med arbetsgivare.|arbetsmarknad|praktik",
        "Hemtjänst med digitala larm|Trygghetslarm och nattillsyn med kamera inom hemtjänsten, med gemensam larmmottagning.|vard-och-omsorg|trygghetslarm",
        "Översiktsplanering|Samordnad översiktsplan för bostäder, vägar och kollektivtrafik över kommungränserna.|samhallsbyggnad|översiktsplan",
        "Klimatanpassning|Kartläggning av översvämningsrisker och skyfall, och åtgärder för klimatanpassning av bebyggelse.|miljo-och-klimat|skyfall",
        "Bibliotekssamverkan|Gemensam bibliotekskatalog, lånekort och transporter av medier mellan folkbiblioteken.|kultur-och-fritid|bibliotek",
        "IT-drift|Gemensam drift av servrar, nätverk och användarstöd i en IT-nämnd.|digitalisering|it-drift",
        "Kulturskola|Kulturskolans kurser i musik, dans och teater öppna för elever i alla kommunerna.|kultur-och-fritid|kulturskola",
        "Miljöförvaltning|Gemensam miljö- och hälsoskyddsnämnd för tillsyn av livsmedel, avlopp och miljöfarlig verksamhet.|miljo-och-klimat|tillsyn",
        "Socialjour|Socialjour på kvällar och helger för barn och familjer i akut behov av stöd.|social-valfard|socialjour",
        "Elevhälsa|Skolpsykologer och skolläkare delas mellan kommunernas elevhälsa.|utbildning|elevhälsa",
        "Bredband på landsbygden|Utbyggnad av fiber och bredband till landsbygdens hushåll och företag.|samhallsbyggnad|fiber",
        "Krisledning|Gemensam krisledningsplan och övningar för höjd beredskap och civilt försvar.|krisberedskap|civilt försvar",
        "Energirådgivning|Energi- och klimatrådgivning för hushåll, föreningar och småföretag.|miljo-och-klimat|energi",
        "Lönehantering|Ett gemensamt lönecenter sköter löner, pensioner och personalsystem.|ovrigt|lön",
    ];

    private static readonly string[] Forms = [.. Collaboration.Forms];
    private static readonly string[] Statuses = ["planned", "active", "active", "active", "paused", "completed"];

    public RegisteredSource Stockholm { get; private set; } = null!;

    /// <summary>How long seeding took, for the record.</summary>
    public TimeSpan SeedTime { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var started = DateTimeOffset.UtcNow;
        await SeedAsync();
        await KnownAsync();
        SeedTime = DateTimeOffset.UtcNow - started;
    }

    private async Task SeedAsync()
    {
        var store = App.Services.GetRequiredService<CollaborationStore>();
        var municipalities = OrganisationRegistry.Shared.Municipalities.OrderBy(m => m.Code, StringComparer.Ordinal).ToArray();
        var byCounty = municipalities.GroupBy(m => m.CountyCode).ToDictionary(g => g.Key, g => g.ToArray());
        var random = new Random(15);
        var plans = new List<(string Id, CollaborationChange Change, string[] Members, string[] Tags, DateTimeOffset At)>();
        for (var i = 0; i < Seeded; i++)
        {
            // Every municipality owns at least one collaboration; then owners at random.
            var owner = i < municipalities.Length ? municipalities[i] : municipalities[random.Next(municipalities.Length)];
            var topic = Topics[random.Next(Topics.Length)].Split('|');
            var neighbours = byCounty[owner.CountyCode];
            var members = new HashSet<string>(StringComparer.Ordinal) { owner.Code };
            var count = 1 + random.Next(1, 6);
            while (members.Count < Math.Min(count, neighbours.Length + 1))
            {
                members.Add(random.NextDouble() < 0.8 ? neighbours[random.Next(neighbours.Length)].Code : municipalities[random.Next(municipalities.Length)].Code);
            }

            var name = $"{topic[0]} {owner.Name}";
            plans.Add((
                $"reg-{i:0000}",
                new CollaborationChange(name, $"{topic[1]} Samordnas av {owner.Name}.", Forms[random.Next(Forms.Length)], Statuses[random.Next(Statuses.Length)], topic[2], Owner: owner.Code),
                [.. members],
                [topic[3]],
                new DateTimeOffset(2025, 1, 1, 8, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 24 * 600))));
        }

        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (plan, cancellationToken) =>
        {
            // As the hub makes a collaboration: its first update (owner, members, activity), then a PUT of the rest.
            var update = new NormalisedUpdate(
                "seed-" + plan.Id, "seed", null, plan.Change.Owner!, plan.Id, "status-report", "Lägesrapport", null, plan.Change.Status, plan.Change.Area,
                plan.Members, plan.At, plan.At, [], plan.Tags, plan.Change.Name);
            var recorded = await store.RecordAsync(update, null, cancellationToken);
            Assert.Null(recorded.Refused);
            var (outcome, refused) = await store.PutAsync(plan.Id, Caller.Admin, plan.Change with { Owner = null }, cancellationToken);
            Assert.Null(refused);
            Assert.IsType<AdminOutcome<Collaboration>.Updated>(outcome);
        });
    }

    /// <summary>The collaborations the tests look for, made as municipal systems make them: posted updates, then a PUT of what updates do not carry.</summary>
    private async Task KnownAsync()
    {
        Stockholm = await RegisterSourceAsync("register-stockholm", "0180");
        var goteborg = await RegisterSourceAsync("register-goteborg", "1480");

        await PostAsync(Stockholm, Update("VM-1", Water, "Förstudien om vattenrening klar", ["0184", "0183", Region], "2026-02-10T09:00:00+01:00", WaterName));
        await PostAsync(Stockholm, Update("VM-2", Water, "Beslut om gemensamt reningsverk", ["0184"], "2026-03-19T09:00:00+01:00"));
        await PutAsync(Water, new { description = "Kommunerna bygger om vattenreningsverket och avloppsreningen tillsammans, med gemensamt slam och biogas.", form = "avtalssamverkan", area = "samhallsbyggnad" });

        await PostAsync(goteborg, Update("VV-1", WaterElsewhere, "Start för reningsverk", ["1401", "1402"], "2026-01-15T09:00:00+01:00", WaterElsewhereName));
        await PutAsync(WaterElsewhere, new { description = "Ombyggnad av vattenreningsverk och avloppsrening, slam till biogas.", form = "kommunalforbund", area = "samhallsbyggnad" });

        await PostAsync(Stockholm, Update("HK-1", Hidden, "Internt möte", ["0186"], "2026-03-01T09:00:00+01:00", HiddenName));
        await PutAsync(Hidden, new { description = "Kråkslottet är ett ord bara den här samverkan har.", @public = false }, Stockholm.Key);
    }

    private static string Update(string externalId, string collaboration, string title, string[] participants, string occurredAt, string? collaborationName = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["externalId"] = externalId,
            ["collaboration"] = collaboration,
            ["collaborationName"] = collaborationName,
            ["kind"] = "decision",
            ["title"] = title,
            ["status"] = "active",
            ["area"] = "samhallsbyggnad",
            ["participants"] = participants,
            ["occurredAt"] = occurredAt,
            ["tags"] = new[] { "vatten", "avlopp" },
        });

    private async Task PostAsync(RegisteredSource source, string body)
    {
        using var response = await Client.SendAsync(WithKey(source.Id, source.Key, body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task PutAsync(string id, object body, string? key = null)
    {
        var request = Admin(HttpMethod.Put, $"/api/v1/collaborations/{id}", body);
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        _ = await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

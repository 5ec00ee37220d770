using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>A synthetic month for load runs: collaborations across the 290 municipalities, updates, partners.</summary>
public sealed record DigestLoadScenario(
    DigestMonth Month,
    IReadOnlyList<Collaboration> Collaborations,
    IReadOnlyList<NormalisedUpdate> Updates,
    IReadOnlyList<Partner> Partners)
{
    public InMemoryDigestSource Source() => new(Collaborations, Updates, Partners);

    public DigestMonthIndex Index() => DigestMonthIndex.Build(Month.Period, Collaborations, Updates);
}

/// <summary>
/// Builds <see cref="DigestLoadScenario"/>s (the load run's is <c>Stream(1_000_000, 5_000, 2026)</c>): one collaboration
/// per 40 updates on average (a fifth to twice that each), each between two and six municipalities mostly in one county, Swedish titles and summaries drawn
/// from a topic list so that the likeness finder has real work, partners spread over all 290 municipalities.
/// The same arguments always give the same month.
/// </summary>
public static class DigestLoad
{
    public static readonly DigestMonth Month = new(2026, 3);

    private static readonly string[] Topics =
    [
        "e-arkiv", "upphandling av e-tjänster", "skolskjutsar", "digital signering", "snöröjning på landsbygden",
        "språkutveckling i förskolan", "hemtjänstens planering", "dagvatten och skyfall", "bredband i glesbygd",
        "meröppna bibliotek", "gemensam växel", "ekonomisystem", "lönehantering", "krisberedskap vid elavbrott",
        "matsvinn i skolmaten", "feriejobb för unga", "vuxenutbildning på distans", "välfärdsteknik i äldreomsorgen",
        "avfallshantering och återvinning", "cykelvägar mellan orterna", "kollektivtrafik på kvällar", "öppna data",
        "informationssäkerhet", "AI i ärendehantering", "bygglov digitalt", "vattenförsörjning", "laddinfrastruktur",
        "integration och etablering", "psykisk hälsa bland unga", "idrottshallar och föreningsliv",
    ];

    private static readonly string[] Verbs =
        ["utreds", "upphandlas", "införs", "utvärderas", "planeras", "samordnas", "breddas", "digitaliseras"];

    public static DigestLoadScenario Generate(int updates, int partners, int seed)
    {
        var stream = Stream(updates, partners, seed);
        return new DigestLoadScenario(Month, stream.Collaborations, stream.Updates().ToList(), stream.Partners);
    }

    /// <summary>
    /// The same month with its updates made as they are read, a collaboration's together (for load runs of a million:
    /// the month is never held in memory). Each call of <see cref="DigestLoadStream.Updates"/> makes the same updates.
    /// </summary>
    public static DigestLoadStream Stream(int updates, int partners, int seed)
    {
        var random = new Random(seed);
        var period = Month.Period;
        var municipalities = OrganisationRegistry.Shared.Municipalities.OrderBy(m => m.Code, StringComparer.Ordinal).ToArray();
        var byCounty = municipalities.GroupBy(m => m.CountyCode).ToDictionary(g => g.Key, g => g.ToArray());
        var areas = Vocabulary.Areas;

        var collaborations = new List<Collaboration>();
        var count = Math.Max(1, updates / 40);
        for (var i = 0; i < count; i++)
        {
            var home = municipalities[random.Next(municipalities.Length)];
            var neighbours = byCounty[home.CountyCode];
            var members = new SortedSet<string>(StringComparer.Ordinal) { home.Code };
            var size = random.Next(2, 7);
            while (members.Count < Math.Min(size, neighbours.Length + 1))
            {
                members.Add(random.Next(5) == 0 ? municipalities[random.Next(municipalities.Length)].Code : neighbours[random.Next(neighbours.Length)].Code);
            }

            var topic = Topics[random.Next(Topics.Length)];
            var isNew = random.Next(20) == 0;
            var first = isNew ? period.From.AddHours(random.Next(24 * 27)) : period.From.AddDays(-random.Next(30, 900));
            collaborations.Add(TestCollaborations.Of(
                $"samverkan-{i:D5}",
                $"{char.ToUpperInvariant(topic[0])}{topic[1..]} i {home.Name} med flera",
                areas[random.Next(areas.Count)],
                "active",
                members.ToArray(),
                first,
                period.To.AddHours(-1),
                random.Next(1, 200)));
        }

        // Each collaboration's share of the month: between a fifth and twice the mean, the last one taking the rest.
        var shares = new int[collaborations.Count];
        var left = updates;
        for (var i = 0; i < shares.Length; i++)
        {
            var mean = (double)updates / shares.Length;
            shares[i] = i == shares.Length - 1 ? left : Math.Min(left, (int)Math.Round(mean * (0.2 + (random.NextDouble() * 1.8))));
            left -= shares[i];
        }

        var partnerList = new List<Partner>(partners);
        for (var i = 0; i < partners; i++)
        {
            var organisation = municipalities[i % municipalities.Length].Code;
            var partnerAreas = Enumerable.Range(0, random.Next(0, 3)).Select(_ => areas[random.Next(areas.Count)]).Distinct().ToArray();
            var recipients = Enumerable.Range(0, random.Next(1, 3)).Select(r => $"mottagare{r}@partner{i}.example").ToArray();
            partnerList.Add(new Partner(
                $"partner-{i:D4}", organisation, [], new PartnerFilters(Areas: partnerAreas), random.Next(4) == 0,
                new DigestSettings(recipients, random.Next(10) == 0 ? "en" : "sv")));
        }

        IEnumerable<NormalisedUpdate> Updates()
        {
            var random = new Random(seed + 1);
            var span = (period.To - period.From).TotalMinutes - 15;
            var n = 0;
            for (var c = 0; c < collaborations.Count; c++)
            {
                var collaboration = collaborations[c];
                var topic = collaboration.Name.Split(" i ")[0].ToLowerInvariant();
                for (var k = 0; k < shares[c]; k++, n++)
                {
                    var kind = Vocabulary.Kinds[random.Next(Vocabulary.Kinds.Count)];
                    var sender = collaboration.Organisations[random.Next(collaboration.Organisations.Count)];
                    var occurred = period.From.AddMinutes(random.NextDouble() * span);
                    var status = kind == "status-report" ? Vocabulary.Statuses[random.Next(10) == 0 ? random.Next(5) : 1] : null;
                    var other = Topics[random.Next(Topics.Length)];
                    yield return new NormalisedUpdate(
                        $"u{n:D7}",
                        $"{sender}-system",
                        $"ext-{n}",
                        sender,
                        collaboration.Id,
                        kind,
                        $"{char.ToUpperInvariant(topic[0])}{topic[1..]} {Verbs[random.Next(Verbs.Length)]}",
                        $"Arbetsgruppen rapporterar att {topic} {Verbs[random.Next(Verbs.Length)]} under våren. Kopplingen till {other} diskuterades.",
                        status,
                        collaboration.Area,
                        collaboration.Organisations,
                        occurred,
                        occurred.AddSeconds(random.Next(1, 600)),
                        [],
                        [topic.Split(' ')[0]]);
                }
            }
        }

        return new DigestLoadStream(Month, collaborations, Updates, partnerList);
    }
}

/// <summary>A load month whose updates are made as they are read (<see cref="DigestLoad.Stream"/>), a collaboration's together.</summary>
public sealed record DigestLoadStream(
    DigestMonth Month,
    IReadOnlyList<Collaboration> Collaborations,
    Func<IEnumerable<NormalisedUpdate>> Updates,
    IReadOnlyList<Partner> Partners);

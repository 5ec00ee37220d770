using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Benchmarks;

/// <summary>
/// The normaliser on a ~1 KB canonical update and a ~1 KB profile-mapped update, bytes in (parse included),
/// beside plain <see cref="JsonSerializer"/> deserialisation of the same bytes into a record of the same shape.
/// </summary>
[MemoryDiagnoser]
public class NormaliserBenchmarks
{
    private static readonly byte[] Canonical = Encoding.UTF8.GetBytes("""
        {
          "externalId": "KS-2026-0042",
          "collaboration": "e-arkiv-sodertorn",
          "kind": "Beslut",
          "title": "Beslut om gemensam upphandling av e-arkiv för Södertörnskommunerna",
          "summary": "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen av e-arkiv tillsammans med Haninge, Botkyrka och Tyresö. Upphandlingen leds av Södertörns upphandlingsnämnd och avtalet väntas vara på plats under hösten. Kostnaden fördelas efter invånarantal. Arbetsgruppen återkommer med en tidplan för införandet, med särskild vikt vid informationssäkerhet, gallring och bevarande av allmänna handlingar enligt arkivlagen. Dnr KS-2026-0042.",
          "status": "pågår",
          "area": "digitalisering",
          "participants": ["0182", "Haninge", "0127", "Tyresö kommun"],
          "occurredAt": "2026-03-19T09:00:00+01:00",
          "links": [
            { "title": "Protokoll KS 2026-03-19", "url": "https://www.nacka.se/kommun--politik/protokoll/ks-2026-03-19.pdf" },
            { "title": "Förfrågningsunderlag", "url": "https://www.sodertorn.se/upphandling/e-arkiv" }
          ],
          "tags": ["e-arkiv", "upphandling", "arkiv", "informationssäkerhet"]
        }
        """);

    private static readonly byte[] Mapped = Encoding.UTF8.GetBytes("""
        {
          "arende": { "id": "KS 2026/42", "diarienummer": "KS-2026-0042", "handlaggare": "Kommunledningskontoret" },
          "projekt": { "kod": "e-arkiv-sodertorn", "namn": "E-arkiv Södertörn" },
          "typ": "Beslut",
          "rubrik": "Beslut om gemensam upphandling av e-arkiv för Södertörnskommunerna",
          "beskrivning": "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen av e-arkiv tillsammans med Haninge, Botkyrka och Tyresö. Upphandlingen leds av Södertörns upphandlingsnämnd och avtalet väntas vara på plats under hösten. Kostnaden fördelas efter invånarantal. Arbetsgruppen återkommer med en tidplan för införandet, med särskild vikt vid informationssäkerhet, gallring och bevarande.",
          "datum": "2026-03-19 09:00",
          "kommuner": ["Nacka", "Haninge", "Botkyrka", "Tyresö"],
          "status": "Pågår",
          "nyckelord": "e-arkiv, upphandling, arkiv"
        }
        """);

    private static readonly MappingProfile Profile = new(
        new Dictionary<string, string>
        {
            ["externalId"] = "/arende/id", ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik",
            ["summary"] = "/beskrivning", ["occurredAt"] = "/datum", ["participants"] = "/kommuner", ["status"] = "/status", ["tags"] = "/nyckelord",
        },
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["kind"] = new Dictionary<string, string> { ["Beslut"] = "decision", ["Lägesrapport"] = "status-report" },
            ["status"] = new Dictionary<string, string> { ["Pågår"] = "active" },
        },
        new Dictionary<string, JsonElement> { ["area"] = JsonSerializer.SerializeToElement("digitalisering") });

    private static readonly NormalisationContext CanonicalContext = new("nacka-diarium", "0182", null, new DateTimeOffset(2026, 4, 1, 10, 0, 0, TimeSpan.Zero));
    private static readonly NormalisationContext MappedContext = CanonicalContext with { Profile = Profile };

    private readonly UpdateNormaliser _normaliser = new();

    [GlobalSetup]
    public void Check()
    {
        if (!NormaliseCanonical().IsValid || !NormaliseMapped().IsValid)
        {
            throw new InvalidOperationException("The benchmark payloads must be valid.");
        }
    }

    [Benchmark(Baseline = true)]
    public SourceUpdate? DeserializeCanonical() => JsonSerializer.Deserialize<SourceUpdate>(Canonical, HubJson.Options);

    [Benchmark]
    public NormalisationResult NormaliseCanonical()
    {
        using var document = JsonDocument.Parse(Canonical);
        return _normaliser.Normalise(document.RootElement, CanonicalContext);
    }

    [Benchmark]
    public MappedSource? DeserializeMapped() => JsonSerializer.Deserialize<MappedSource>(Mapped, HubJson.Options);

    [Benchmark]
    public NormalisationResult NormaliseMapped()
    {
        using var document = JsonDocument.Parse(Mapped);
        return _normaliser.Normalise(document.RootElement, MappedContext);
    }
}

/// <summary>The canonical update's shape as plain deserialisation reads it (the baseline).</summary>
public sealed record SourceUpdate(
    string? ExternalId, string? Collaboration, string? Kind, string? Title, string? Summary, string? Status, string? Area,
    string[]? Participants, DateTimeOffset OccurredAt, SourceLink[]? Links, string[]? Tags);

public sealed record SourceLink(string? Title, string? Url);

/// <summary>The mapped source's own shape, for the profile baseline.</summary>
public sealed record MappedSource(Arende? Arende, Projekt? Projekt, string? Typ, string? Rubrik, string? Beskrivning, string? Datum, string[]? Kommuner, string? Status, string? Nyckelord);

public sealed record Arende(string? Id, string? Diarienummer, string? Handlaggare);

public sealed record Projekt(string? Kod, string? Namn);

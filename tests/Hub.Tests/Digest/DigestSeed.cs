using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>A small, readable March 2026 around Nacka (0182) in Stockholms län.</summary>
public static class DigestSeed
{
    public static readonly DigestMonth March = new(2026, 3);

    public static IReadOnlyList<Collaboration> Collaborations { get; } =
    [
        Collab("e-arkiv-sodertorn", "Gemensamt e-arkiv för Södertörn", "digitalisering", ["0127", "0136", "0182"], "2025-05-12T08:00:00Z"),
        Collab("skolskjuts-sodertorn", "Samordnade skolskjutsar", "utbildning", ["0136", "0182"], "2025-09-01T08:00:00Z"),
        Collab("e-arkiv-fyrbodal", "E-arkivet upphandlas i Fyrbodal", "digitalisering", ["1480", "1484"], "2025-02-03T08:00:00Z"),
        Collab("dagvatten-stockholm", "Klimatanpassning av dagvatten", "miljo-och-klimat", ["0138", "0180"], "2026-03-04T09:00:00Z"),
        Collab("ai-arenden-skane", "AI i ärendehantering", "digitalisering", ["1280"], "2025-11-10T09:00:00Z"),
        Collab("fritidsgardar-norrbotten", "Fritidsgårdar för unga i Norrbotten", "kultur-och-fritid", ["2580", "2581"], "2024-01-10T09:00:00Z"),
    ];

    public static IReadOnlyList<NormalisedUpdate> Updates { get; } =
    [
        Update("u1", "0136", "e-arkiv-sodertorn", "meeting", "Styrgruppsmöte om e-arkivet", null, "2026-03-03T09:00:00+01:00"),
        Update("u2", "0136", "e-arkiv-sodertorn", "status-report", "Kravställningen för e-arkivet är klar", "active", "2026-03-10T09:00:00+01:00",
            summary: "Kraven på <e-arkivet> är klara & skickade till juristerna."),
        Update("u3", "0136", "e-arkiv-sodertorn", "decision", "Beslut om gemensam upphandling av e-arkiv", "active", "2026-03-19T09:00:00+01:00",
            summary: "Kommunstyrelsen beslutade att upphandla ett gemensamt e-arkiv.", tags: ["e-arkiv", "upphandling"]),
        Update("u4", "0127", "e-arkiv-sodertorn", "status-report", "Botkyrka pausar sin del av e-arkivet", "paused", "2026-03-25T09:00:00+01:00"),
        Update("u5", "0182", "skolskjuts-sodertorn", "status-report", "Nya turer för skolskjutsen från augusti", "active", "2026-03-12T09:00:00+01:00"),
        Update("u6", "0136", "skolskjuts-sodertorn", "milestone", "Ny skolskjutsplanering antagen", "active", "2026-03-20T09:00:00+01:00"),
        Update("u7", "1480", "e-arkiv-fyrbodal", "status-report", "Upphandlingen av e-arkiv i Fyrbodal fortsätter", "active", "2026-03-11T09:00:00+01:00",
            summary: "E-arkivet upphandlas gemensamt; anbuden utvärderas.", tags: ["e-arkiv", "upphandling"]),
        Update("u8", "0180", "dagvatten-stockholm", "collaboration-started", "Klimatanpassning av dagvatten startar", "active", "2026-03-04T09:00:00+01:00",
            summary: "Stockholm och Tyresö planerar skyfallsytor tillsammans."),
        Update("u9", "1280", "ai-arenden-skane", "call-for-partners", "Vi söker partner för AI i ärendehantering", "active", "2026-03-16T09:00:00+01:00",
            summary: "Malmö söker kommuner som vill pröva AI-stöd för diarieföring."),
        Update("u10", "2581", "fritidsgardar-norrbotten", "status-report", "Fritidsgårdarna i Luleå får nya öppettider", "active", "2026-03-18T09:00:00+01:00"),
        Update("u11", "0136", "e-arkiv-sodertorn", "status-report", "Februarirapport för e-arkivet", "active", "2026-02-20T09:00:00+01:00"),
    ];

    public static Partner Nacka { get; } = new(
        "nacka-it", "0182", [], new PartnerFilters(Areas: ["digitalisering"]), false,
        new DigestSettings(["Åsa Öberg <asa.oberg@nacka.example>", "it@nacka.example"]));

    public static Partner Vimmerby { get; } = new(
        "vimmerby", "0884", [], new PartnerFilters(), false, new DigestSettings(["info@vimmerby.example"]));

    public static Partner Lulea { get; } = new(
        "lulea", "2580", [], new PartnerFilters(), false, new DigestSettings(["Örjan Ärlig <orjan@lulea.example>"], "en"));

    public static IReadOnlyList<Partner> Partners { get; } = [Nacka, Vimmerby, Lulea];

    public static InMemoryDigestSource Source() => new(Collaborations, Updates, Partners);

    public static DigestMonthIndex Index() => DigestMonthIndex.Build(March.Period, Collaborations, Updates);

    private static Collaboration Collab(string id, string title, string area, string[] participants, string first) =>
        TestCollaborations.Of(id, title, area, "active", participants, DateTimeOffset.Parse(first), DateTimeOffset.Parse("2026-03-25T08:00:00Z"), 3);

    private static NormalisedUpdate Update(
        string id, string organisation, string collaboration, string kind, string title, string? status, string occurredAt,
        string? summary = null, string[]? tags = null)
    {
        var occurred = DateTimeOffset.Parse(occurredAt);
        var participants = Collaborations.Single(c => c.Id == collaboration).Organisations;
        return new NormalisedUpdate(
            id, organisation + "-system", null, organisation, collaboration, kind, title, summary, status,
            Collaborations.Single(c => c.Id == collaboration).Area, participants, occurred.ToUniversalTime(),
            occurred.ToUniversalTime().AddMinutes(1), [new UpdateLink("Protokoll", "https://example.se/protokoll/" + id)], tags ?? []);
    }
}

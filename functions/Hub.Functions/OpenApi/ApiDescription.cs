using System.Globalization;
using System.Text.Json.Nodes;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Meta;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Sources;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// What the document says about the API as a whole, in Swedish and English: what it is, its terms, service level and
/// known limitations (the limits are read from the options' defaults, so they say what the code does), who to contact,
/// how it authenticates and versions, where it is served, and its tags.
/// </summary>
public static class ApiDescription
{
    /// <summary>The production server first (https on 443, as DIGG's SAK.01 and UFN.02 require); paths are relative to it.</summary>
    public const string ProductionServer = "https://mellanrum.example.se" + OpenApiBuilder.ApiRoot;

    /// <summary>Where Hub.Local serves the same API; not a server of the document, which lists https servers only.</summary>
    public const string LocalServer = "http://127.0.0.1:7071" + OpenApiBuilder.ApiRoot;

    private const string Site = "https://mellanrum.example.se";

    public static IReadOnlyList<string> Limitations { get; } = BuildLimitations();

    public static JsonObject Info() => new()
    {
        ["title"] = "Mellanrum hub API",
        ["summary"] = "Samverkansnavet för Sveriges kommuner / The samverkan integration hub for Swedish municipalities",
        ["description"] = Description(),
        ["termsOfService"] = Site + "/villkor",
        ["contact"] = new JsonObject
        {
            ["name"] = "Mellanrum förvaltning / Mellanrum operations",
            ["url"] = Site + "/kontakt",
            ["email"] = "api@mellanrum.example.se",
        },
        ["license"] = new JsonObject
        {
            ["name"] = "CC BY 4.0 (this API description / denna API-beskrivning)",
            ["url"] = "https://creativecommons.org/licenses/by/4.0/",
        },
        ["version"] = ApiInfo.Current.ApiVersion,
        ["x-sla"] = new JsonObject
        {
            ["availability"] = "Mål 99,5 % per kalendermånad, mätt med GET /health / Target 99.5 % per calendar month, measured by GET /health.",
            ["responseTime"] = "Mål: 95 % av läsningar och inskick besvaras inom 1 s / Target: 95 % of reads and posts answered within 1 s.",
            ["support"] = "Vardagar 08-17 svensk tid via api@mellanrum.example.se; driftstörningar på " + Site + "/status / Weekdays 08-17 Swedish time via api@mellanrum.example.se; incidents on " + Site + "/status.",
        },
        ["x-limitations"] = new JsonArray(Limitations.Select(l => (JsonNode)l).ToArray()),
    };

    public static JsonArray Servers() =>
    [
        new JsonObject { ["url"] = ProductionServer, ["description"] = "Produktion / Production" },
    ];

    public static readonly IReadOnlyList<(string Name, Bilingual Description)> Tags =
    [
        ("ingest", new("Municipal systems post collaboration updates.", "Kommunala system skickar samverkansuppdateringar.")),
        ("read", new("Updates and collaborations, as normalised; open to anyone.", "Uppdateringar och samverkningar, normaliserade; öppet för alla.")),
        ("sources", new("A source's rejections: for its own key.", "Ett källsystems avvisningar: för dess egen nyckel.")),
        ("administration", new("The operator registers sources and partners and looks after deliveries: admin key.", "Operatören registrerar källsystem och mottagare och sköter leveranser: administratörsnyckeln.")),
        ("digest", new("The monthly digest.", "Månadssammanställningen.")),
        ("open-data", new("The public register of collaborations as open data, and its DCAT-AP-SE description; open to anyone.", "Det publika registret över samverkan som öppna data, och dess DCAT-AP-SE-beskrivning; öppet för alla.")),
        ("meta", new("What the API is, whether it is healthy, and this document.", "Vad API:et är, om det mår bra, och detta dokument.")),
    ];

    public static JsonObject SecuritySchemes() => new()
    {
        [ApiOperations.AdminKey] = Bearer("The operator's admin key (Hub:AdminKey).", "Operatörens administratörsnyckel (Hub:AdminKey)."),
        [ApiOperations.SourceKey] = Bearer("A source's key (mhk_…), given when it was registered.", "Ett källsystems nyckel (mhk_…), som gavs vid registreringen."),
        [ApiOperations.PartnerKey] = Bearer("A partner's key (mhk_…), given when it was registered.", "En mottagares nyckel (mhk_…), som gavs vid registreringen."),
        [ApiOperations.StandardWebhooks] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = "webhook-signature",
            ["description"] = new Bilingual(
                "A Standard Webhooks signature with the source's whsec_ secret, with the webhook-id and webhook-timestamp headers.",
                "En Standard Webhooks-signatur med källsystemets hemlighet whsec_, med huvudena webhook-id och webhook-timestamp.").Long,
        },
    };

    private static JsonObject Bearer(string en, string sv) => new()
    {
        ["type"] = "http",
        ["scheme"] = "bearer",
        ["description"] = new Bilingual(en, sv).Long,
    };

    private static IReadOnlyList<string> BuildLimitations()
    {
        var ingest = new IngestOptions();
        var rejections = new RejectionOptions();
        var retention = new RetentionOptions();
        var credentials = new CredentialOptions();
        var waits = string.Join(", ", WebhookRetrySchedule.Waits.Select(Duration));
        var jitter = (WebhookRetrySchedule.JitterRatio * 100).ToString(CultureInfo.InvariantCulture);
        var flush = DeliveryLog.FlushInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"Kroppar högst {ingest.MaxBodyBytes / 1024} KiB (413) / Bodies at most {ingest.MaxBodyBytes / 1024} KiB (413).",
            $"Högst {ingest.RatePerSecond} inskick per sekund och källsystem, toppar upp till {ingest.RateBurst}, per instans (429 med Retry-After) / At most {ingest.RatePerSecond} posts a second per source, bursts up to {ingest.RateBurst}, per instance (429 with Retry-After).",
            $"webhook-timestamp inom {ingest.TimestampTolerance.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minuter från navets klocka / webhook-timestamp within {ingest.TimestampTolerance.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes of the hub's clock.",
            $"Listor: limit 1-{Paging.MaxLimit} (standard {Paging.DefaultLimit}), offset högst {Query.MaxOffset} / Lists: limit 1-{Paging.MaxLimit} (default {Paging.DefaultLimit}), offset at most {Query.MaxOffset}.",
            $"Avvisningar sparas {retention.RejectionDays} dagar, råa kroppar upp till {rejections.MaxStoredBodyBytes / 1024} KiB; en kapad kropp kan inte köras igen (409) / Rejections are kept {retention.RejectionDays} days, raw bodies up to {rejections.MaxStoredBodyBytes / 1024} KiB; a cut body cannot be run again (409).",
            $"En bytt hemlighet godtas {credentials.Overlap.TotalHours.ToString(CultureInfo.InvariantCulture)} timmar till / A rotated-out secret still verifies for {credentials.Overlap.TotalHours.ToString(CultureInfo.InvariantCulture)} hours.",
            $"Webhooks försöks igen efter {waits} (±{jitter} %), sedan blir leveransen ett dött brev / Webhooks are retried after {waits} (±{jitter} %), then the delivery becomes a dead letter.",
            $"Leveransloggen för köer skrivs var {flush}:e ms och kan förlora den sista bråkdelen av en sekund vid en krasch; det levererade står på uppdateringen / The delivery log of queue sends is written every {flush} ms and may lose the last fraction of a second on a crash; what was delivered is recorded on the update.",
            "Listor bläddras med offset: en lista som ändras under bläddring kan visa en post två gånger eller hoppa över en / Lists page by offset: a list that changes while paged may show an item twice or skip one.",
            "Tidszon: tider returneras i UTC; tider utan offset i inskick läses som svensk tid / Time zone: times are returned in UTC; times without an offset in posts are read as Swedish time.",
        ];
    }

    private static string Duration(TimeSpan wait) =>
        wait.TotalHours >= 1 ? $"{wait.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : wait.TotalMinutes >= 1 ? $"{wait.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min"
        : $"{wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";

    private static string Description() =>
        $"""
        Mellanrum är navet i rummet mellan Sveriges kommuner. Kommunala system skickar uppdateringar om sina samverkningar (gemensamma e-arkiv, upphandlingar, social välfärd, krisberedskap) som signerade webhooks, i navets kanoniska JSON, som CloudEvents eller i sin egen JSON genom en mappningsprofil. Navet normaliserar varje format till en kanonisk uppdatering, lagrar den och skickar den vidare till de mottagare som deltar i samverkan eller vars filter matchar, över Service Bus-köer, lagringsköer eller signerade webhooks. Varje månad får mottagarna en sammanställning med e-post.

        Mellanrum is the hub in the space between Sweden's municipalities. Municipal systems post updates about their collaborations (shared e-archives, joint procurement, social services, crisis readiness) as signed webhooks, in the hub's canonical JSON, as CloudEvents or in their own JSON through a mapping profile. The hub normalises every format into one canonical update, stores it and sends it on to the partners that take part in the collaboration or whose filters match, over Service Bus queues, storage queues or signed webhooks. Every month the partners get a digest by e-mail.

        ## Användarvillkor / Terms of use
        Se termsOfService. Uppdateringar är offentliga för alla som läser dem; skicka aldrig personuppgifter (navet avvisar personnummer). / See termsOfService. Updates are public to anyone who reads them; never send personal data (the hub refuses personnummer).

        ## Autentisering / Authentication
        Källsystem signerar med Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) eller skickar sin Bearer-nyckel; administration kräver administratörsnyckeln; en mottagare läser sin sammanställning med sin egen nyckel. Läsning av uppdateringar och samverkningar är öppen. Nycklar skickas bara i huvuden, aldrig i adressen. / Sources sign with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) or send their Bearer key; administration needs the admin key; a partner reads its digest with its own key. Reading updates and collaborations is open. Keys travel in headers only, never in the address.

        ## Datamodell / Data model
        JSON med camelCase, utan null-värden (ett fält utan värde utelämnas), tider enligt RFC 3339 i UTC, fel som RFC 9457 application/problem+json. Varje kropp har ett exempel. / JSON in camelCase, without nulls (a field without a value is left out), times as RFC 3339 in UTC, errors as RFC 9457 application/problem+json. Every body has an example.

        ## Versioner och livscykel / Versions and life cycle
        Huvudversionen står i adressen ({OpenApiBuilder.ApiRoot}); fält och operationer läggs till inom v1 (en klient ska tåla fält den inte känner), en ändring som bryter något ger v2, som körs bredvid v1 tills v1 avvecklas. Status och version: GET /api-info. / The major version is in the address ({OpenApiBuilder.ApiRoot}); fields and operations are added within v1 (a client tolerates fields it does not know), a breaking change makes v2, served beside v1 until v1 is retired. Status and version: GET /api-info.

        ## Servicenivå (SLA) / Service level (SLA)
        Se x-sla: tillgänglighet, svarstider och support. Ett 2xx-svar på ett inskick ges först när uppdateringen är lagrad; inget som bekräftats går förlorat. / See x-sla: availability, response times and support. A 2xx answer to a post is only given once the update is stored; nothing acknowledged is lost.

        ## Kända begränsningar / Known limitations
        {string.Join("\n", Limitations.Select(l => "- " + l))}

        ## Lokalt / Locally
        Hub.Local kör samma API på en dator med Azurite: {LocalServer} (endast http, för utveckling). / Hub.Local serves the same API on one machine with Azurite: {LocalServer} (http only, for development).

        ## Kontakt / Contact
        Se contact. / See contact.
        """;
}

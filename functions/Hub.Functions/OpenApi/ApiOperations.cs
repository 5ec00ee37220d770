using System.Text.Json.Nodes;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Functions.Audit;
using Mellanrum.Hub.Functions.Collaborations;
using Mellanrum.Hub.Functions.Digest;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Ingest;
using Mellanrum.Hub.Functions.Meta;
using Mellanrum.Hub.Functions.Partners;
using Mellanrum.Hub.Functions.Portal;
using Mellanrum.Hub.Functions.Read;
using Mellanrum.Hub.Functions.Register;
using Mellanrum.Hub.Functions.Sources;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Register;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// Every HTTP function's operation, once: what it is for, who may call it, its parameters and every answer it gives,
/// with the records it reads and writes and a sample of each. Route and method are the function's own attributes;
/// <see cref="OpenApiBuilder"/> refuses a function without an entry here, and an entry without a function.
/// </summary>
public static class ApiOperations
{
    public const string AdminKey = "adminKey";
    public const string SourceKey = "sourceKey";
    public const string PartnerKey = "partnerKey";
    public const string StandardWebhooks = "standardWebhooks";

    public const string Json = "application/json";

    private static readonly ApiParameter SourceId = Path("sourceId", "The source's id.", "Källsystemets id.", ApiSamples.SourceId, SchemaNotes.SlugPattern);
    private static readonly ApiParameter PartnerId = Path("partnerId", "The partner's id.", "Mottagarens id.", ApiSamples.PartnerId, SchemaNotes.SlugPattern);
    private static readonly ApiParameter CollaborationId = Path("id", "The collaboration's id.", "Samverkans id.", ApiSamples.CollaborationId, SchemaNotes.SlugPattern);
    private static readonly ApiParameter Month = Path("month", "A calendar month in Europe/Stockholm time, yyyy-MM.", "En kalendermånad i svensk tid, åååå-MM.", ApiSamples.Month, SchemaNotes.MonthPattern);

    private static readonly ApiParameter[] Paging =
    [
        new("limit", ParameterLocation.Query, new($"How many, 1 to {Foundation.Paging.MaxLimit}.", $"Hur många, 1 till {Foundation.Paging.MaxLimit}."),
            () => new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = Foundation.Paging.MaxLimit, ["default"] = Foundation.Paging.DefaultLimit }, "20"),
        new("offset", ParameterLocation.Query, new("How many to skip.", "Hur många som hoppas över."),
            () => new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = Query.MaxOffset, ["default"] = 0 }, "0"),
    ];

    private static readonly ApiParameter[] CursorPaging =
    [
        new("limit", ParameterLocation.Query, new($"How many, 1 to {Foundation.Paging.MaxLimit}.", $"Hur många, 1 till {Foundation.Paging.MaxLimit}."),
            () => new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = Foundation.Paging.MaxLimit, ["default"] = Foundation.Paging.DefaultLimit }, "20"),
        new("cursor", ParameterLocation.Query, new("The nextCursor of the previous page (absent: the first page).", "nextCursor från föregående sida (saknas: första sidan)."),
            () => new JsonObject { ["type"] = "string", ["maxLength"] = 512 }, ApiSamples.NextCursor),
    ];

    private static readonly ApiParameter Kind = Path("kind", "secrets (signing secrets) or keys (Bearer keys).", "secrets (signeringshemligheter) eller keys (Bearer-nycklar).", "keys");

    private static readonly ApiParameter CredentialIdParameter = Path("credentialId", "The credential's id (sec_… or key_…), as answers show it.", "Uppgiftens id (sec_… eller key_…), som svaren visar det.", "key_81a9c3f0b7e2");

    private static readonly Problem BadCursor = Problem.BadRequest("Invalid paging parameters.", [new InvalidParameter("offset", "This list is paged by cursor: send the nextCursor of the previous page as cursor.")]);

    private static readonly Problem BadPaging = Problem.BadRequest("Invalid paging parameters.", [new InvalidParameter("limit", $"Must be a whole number from 1 to {Foundation.Paging.MaxLimit}.", "0")]);
    private static readonly Problem AdminOnly = Problem.Unauthorized("Authentication failed: send the admin key as Authorization: Bearer.");

    private static readonly ApiHeader Location = new(
        "Location",
        new("Where the stored update is read: /api/v1/updates/{id}.", "Var den lagrade uppdateringen läses: /api/v1/updates/{id}."),
        () => new JsonObject { ["type"] = "string" },
        "/api/v1/updates/" + ApiSamples.UpdateId);

    private static readonly ApiHeader DigestProgress = new(
        "Location",
        new("Where the run's progress is read: /api/v1/admin/digests/{yyyy-MM}.", "Var körningens förlopp läses: /api/v1/admin/digests/{åååå-MM}."),
        () => new JsonObject { ["type"] = "string" },
        "/api/v1/admin/digests/" + ApiSamples.Month);

    private static readonly ApiHeader RetryAfter = new(
        "Retry-After",
        new("Whole seconds to wait.", "Hela sekunder att vänta."),
        () => new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
        "1");

    private static readonly ApiLink ReadTheUpdate = Link("update", nameof(ReadFunctions.GetUpdate), "id", "id", "Read the stored update.", "Läs den lagrade uppdateringen.");

    private static readonly ApiLink[] SourceLinks =
    [
        Link("rejections", nameof(SourceFunctions.ListRejections), "sourceId", "id", "The source's rejections.", "Källsystemets avvisningar."),
        Link("rotateSecret", nameof(SourceFunctions.RotateSourceSecret), "sourceId", "id", "Rotate its webhook secret.", "Byt dess webhook-hemlighet."),
    ];

    private static readonly ApiLink[] PartnerLinks =
    [
        Link("deliveries", nameof(PartnerFunctions.ListDeliveries), "partnerId", "id", "The partner's deliveries.", "Mottagarens leveranser."),
    ];

    public static readonly IReadOnlyList<ApiOperation> All =
    [
        new(
            nameof(IngestFunctions.PostUpdate),
            "ingest",
            new("Post a collaboration update", "Skicka en samverkansuppdatering"),
            new(
                "A municipal system posts one update about a collaboration. Authenticate with Standard Webhooks headers (webhook-id, webhook-timestamp within 5 minutes, webhook-signature with the source's whsec_ secret) or the source's Bearer key. The body is the canonical update, the source's own JSON read through its mapping profile, or a CloudEvent (structured, or binary with ce-* headers). The idempotency key is the first of externalId, the CloudEvent id, webhook-id and Idempotency-Key (for a signed request only what was signed counts: externalId, else webhook-id): a repeat answers 200 with the first update's id. Only a source whose organisation is a member may post to an existing collaboration; the first update to an unknown id creates it. A 2xx is only answered once the update is stored; it then reaches every partner it routes to. Anything refused after authentication is kept as a rejection.",
                "Ett kommunalt system skickar en uppdatering om en samverkan. Autentisera med Standard Webhooks-huvuden (webhook-id, webhook-timestamp inom 5 minuter, webhook-signature med källsystemets hemlighet whsec_) eller källsystemets Bearer-nyckel. Kroppen är den kanoniska uppdateringen, källsystemets egen JSON läst genom dess mappningsprofil, eller en CloudEvent (strukturerad, eller binär med ce-*-huvuden). Idempotensnyckeln är den första av externalId, CloudEventens id, webhook-id och Idempotency-Key (för en signerad begäran räknas bara det som signerats: externalId, annars webhook-id): en upprepning svarar 200 med den första uppdateringens id. Bara ett källsystem vars organisation är medlem får skicka till en befintlig samverkan; den första uppdateringen till ett okänt id skapar den. Ett 2xx-svar ges först när uppdateringen är lagrad; den når sedan varje mottagare den ska till. Det som avvisas efter autentisering sparas som en avvisning."),
            [StandardWebhooks, SourceKey],
            [
                SourceId,
                Header("webhook-id", "Standard Webhooks: the message id (also an idempotency key).", "Standard Webhooks: meddelandets id (även en idempotensnyckel).", "msg_2fZk1yQ8xR4"),
                Header("webhook-timestamp", "Standard Webhooks: Unix seconds, within 5 minutes of the hub's clock.", "Standard Webhooks: Unix-sekunder, inom 5 minuter från navets klocka.", "1773907200"),
                Header("webhook-signature", "Standard Webhooks: v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>; several, space-separated, during a rotation.", "Standard Webhooks: v1,<base64 HMAC-SHA256 av {id}.{timestamp}.{body}>; flera, åtskilda med blanksteg, under ett byte.", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
                Header("Idempotency-Key", "The last idempotency key, when the body has none.", "Den sista idempotensnyckeln, när kroppen saknar en.", "nacka-ks-2026-0042"),
                Header("ce-specversion", "CloudEvents binary mode: 1.0, with ce-id, ce-source and ce-type; the body is the update.", "CloudEvents binärt läge: 1.0, med ce-id, ce-source och ce-type; kroppen är uppdateringen.", "1.0"),
                Header("ce-id", "CloudEvents binary mode: the event id (an idempotency key).", "CloudEvents binärt läge: händelsens id (en idempotensnyckel).", "KS-2026-0042"),
                Header("ce-source", "CloudEvents binary mode: a URI reference for the sender.", "CloudEvents binärt läge: en URI-referens till avsändaren.", "https://diarium.nacka.se"),
                Header("ce-type", "CloudEvents binary mode: the event type.", "CloudEvents binärt läge: händelsens typ.", "se.nacka.diarium.beslut"),
            ],
            new([
                new(Json, null, c => new JsonObject
                {
                    ["anyOf"] = new JsonArray(c.Ref(typeof(CanonicalUpdate)), new JsonObject
                    {
                        ["type"] = "object",
                        ["description"] = new Bilingual("The source's own JSON, read through its mapping profile.", "Källsystemets egen JSON, läst genom dess mappningsprofil.").Short,
                    }),
                }, ApiSamples.Posted),
                new("application/cloudevents+json", null, CloudEvent, ApiSamples.PostedAsCloudEvent()),
            ]),
            [
                Answer(202, "Stored: it will reach every partner it routes to.", "Lagrad: den når varje mottagare den ska till.", ApiSamples.Accepted, Location) with { Links = [ReadTheUpdate] },
                Answer(200, "A repeat of an idempotency key: the first update's id, nothing stored again.", "En upprepad idempotensnyckel: den första uppdateringens id, inget lagras igen.", ApiSamples.Duplicate) with { Links = [ReadTheUpdate] },
                Refusal(Problem.BadRequest("The body is not valid UTF-8 JSON (with each property of an object once)."), "The body is not JSON, or not of a readable shape.", "Kroppen är inte JSON, eller inte läsbar."),
                Refusal(Problem.Unauthorized(), "No valid signature or key for this source (an unknown source answers the same).", "Ingen giltig signatur eller nyckel för källsystemet (ett okänt källsystem får samma svar)."),
                Refusal(Problem.Forbidden("Only a source whose organisation is a member of this collaboration may speak for it.", [new InvalidParameter("collaboration", "The sender's organisation is not a member of this collaboration.", CollaborationId.Example)]), "The sender's organisation is not a member of the collaboration (kept as a rejection).", "Avsändarens organisation är inte medlem i samverkan (sparas som avvisning)."),
                Refusal(Problem.TooLarge(new IngestOptions().MaxBodyBytes), "The body is larger than the limit; reading stops there.", "Kroppen är större än gränsen; läsningen avbryts där."),
                Refusal(Problem.UnsupportedMediaType("text/plain"), "Not a content type the hub reads.", "En innehållstyp som navet inte läser."),
                Refusal(Problem.Invalid([new InvalidParameter("occurredAt", "Must be an RFC 3339 time, a local date and time, or a date.", "igår"), new InvalidParameter("kind", "Required: one of collaboration-started, status-report, decision, ….")]), "Validation failed: invalid-parameters names every failing field at once.", "Valideringen misslyckades: invalid-parameters räknar upp varje felaktigt fält på en gång."),
                Refusal(Problem.TooManyRequests(TimeSpan.FromSeconds(1)), "Over the source's rate; Retry-After says when to try again.", "Över källsystemets takt; Retry-After säger när det går att försöka igen.", RetryAfter),
                Refusal(StorageFailures.Unavailable(), "The hub's storage failed for now; send the same request again after Retry-After (a repeat is answered as the first).", "Navets lagring svarade inte just nu; skicka samma begäran igen efter Retry-After (en upprepning besvaras som den första).", RetryAfter),
            ]),
        new(
            nameof(ReadFunctions.GetUpdate),
            "read",
            new("Read one update", "Läs en uppdatering"),
            new("The normalised update, as stored and sent on. Open to anyone, except an update of a collaboration marked not public (404 without a member's source key or the admin key).", "Den normaliserade uppdateringen, som den lagrats och skickats vidare. Öppen för alla, utom en uppdatering i en samverkan som inte är publik (404 utan en medlems källsystemsnyckel eller administratörsnyckeln)."),
            [],
            [Path("id", "The update's id (from the Location of its post).", "Uppdateringens id (från Location i svaret på dess post).", ApiSamples.UpdateId)],
            null,
            [
                Answer(200, "The update.", "Uppdateringen.", ApiSamples.Update) with
                {
                    Links =
                    [
                        Link("collaboration", nameof(ReadFunctions.GetCollaboration), "id", "collaboration", "The update's collaboration.", "Uppdateringens samverkan."),
                        Link("timeline", nameof(ReadFunctions.ListCollaborationUpdates), "id", "collaboration", "The collaboration's other updates.", "Samverkans övriga uppdateringar."),
                    ],
                },
                Refusal(Problem.NotFound("No update with that id."), "No update with that id.", "Ingen uppdatering med det id:t."),
            ]),
        new(
            nameof(ReadFunctions.ListCollaborations),
            "read",
            new("List collaborations", "Lista samverkningar"),
            new(
                "Collaborations, newest activity first, filtered by area, member, county, form, status and words of the name and description, paged by cursor over a snapshot: send nextCursor back as cursor; a collaboration that gains activity while someone pages may appear again at the top of a new listing and is never skipped. Open to anyone; collaborations marked not public only for their members' sources and the admin.",
                "Samverkningar, senast aktiva först, filtrerade på område, medlem, län, form, status och ord i namn och beskrivning, sidindelade med markör över en ögonblicksbild: skicka tillbaka nextCursor som cursor; en samverkan som blir aktiv medan någon bläddrar kan dyka upp igen överst i en ny lista och hoppas aldrig över. Öppen för alla; samverkningar som inte är publika bara för medlemmarnas källsystem och administratören."),
            [],
            [
                new("area", ParameterLocation.Query, new("Only this area.", "Bara detta område."), () => new JsonObject { ["type"] = "string", ["enum"] = Strings(Vocabulary.Areas) }, "digitalisering"),
                new("member", ParameterLocation.Query, new("Only with this member: kommunkod, municipality name or organisationsnummer (participant is an alias).", "Bara med denna medlem: kommunkod, kommunnamn eller organisationsnummer (participant är ett alias)."), () => new JsonObject { ["type"] = "string" }, "0136"),
                new("participant", ParameterLocation.Query, new("The earlier name of member.", "Det tidigare namnet på member."), () => new JsonObject { ["type"] = "string", ["deprecated"] = true }, "0136"),
                new("county", ParameterLocation.Query, new("Only with a member in this county (two digits).", "Bara med en medlem i detta län (två siffror)."), () => new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{2}$" }, "01"),
                new("form", ParameterLocation.Query, new("Only of this form.", "Bara av denna form."), () => new JsonObject { ["type"] = "string", ["enum"] = Strings(Collaboration.Forms) }, "avtalssamverkan"),
                new("status", ParameterLocation.Query, new("Only with this status.", "Bara med denna status."), () => new JsonObject { ["type"] = "string", ["enum"] = Strings(Vocabulary.Statuses) }, "active"),
                new("q", ParameterLocation.Query, new("Words of the name or description (each must start a word).", "Ord i namnet eller beskrivningen (vart och ett måste inleda ett ord)."), () => new JsonObject { ["type"] = "string", ["maxLength"] = 200 }, "e-arkiv"),
                .. CursorPaging,
            ],
            null,
            [
                Answer(200, "A page of collaborations, and the cursor of the next page.", "En sida samverkningar, och markören för nästa sida.", ApiSamples.Collaborations),
                Refusal(Problem.BadRequest("Invalid query parameters.", [new InvalidParameter("member", "Not a known kommunkod, municipality name or valid organisationsnummer.", "Atlantis")]), "A parameter is not valid; invalid-parameters names each.", "En parameter är ogiltig; invalid-parameters namnger var och en."),
            ]),
        new(
            nameof(ReadFunctions.GetCollaboration),
            "read",
            new("Read one collaboration", "Läs en samverkan"),
            new("A collaboration: its name, description, form, area, status, owner and members (each with the date it joined), first and latest activity and how many updates it has. Open to anyone; one marked not public only for its members' sources and the admin (404 otherwise).", "En samverkan: namn, beskrivning, form, område, status, ägare och medlemmar (var och en med datum då den gick med), första och senaste aktivitet och hur många uppdateringar den har. Öppen för alla; en som inte är publik bara för medlemmarnas källsystem och administratören (annars 404)."),
            [],
            [CollaborationId],
            null,
            [
                Answer(200, "The collaboration.", "Samverkan.", ApiSamples.Collaboration) with
                {
                    Links = [Link("updates", nameof(ReadFunctions.ListCollaborationUpdates), "id", "id", "Its updates.", "Dess uppdateringar.")],
                },
                Refusal(Problem.NotFound("No collaboration with that id."), "No collaboration with that id.", "Ingen samverkan med det id:t."),
            ]),
        new(
            nameof(ReadFunctions.ListCollaborationUpdates),
            "read",
            new("List a collaboration's updates", "Lista en samverkans uppdateringar"),
            new("A collaboration's updates, newest first (by when they occurred), paged by cursor. Open to anyone, as its collaboration is.", "En samverkans uppdateringar, nyast först (efter när de hände), sidindelade med markör. Öppen för alla, som dess samverkan är."),
            [],
            [CollaborationId, .. CursorPaging],
            null,
            [
                Answer(200, "A page of updates, and the cursor of the next page.", "En sida uppdateringar, och markören för nästa sida.", ApiSamples.Timeline),
                Refusal(BadCursor, "limit or cursor is not valid (offset is not used: this list pages by cursor).", "limit eller cursor är ogiltig (offset används inte: listan bläddras med markör)."),
                Refusal(Problem.NotFound("No collaboration with that id."), "No collaboration with that id.", "Ingen samverkan med det id:t."),
            ]),
        new(
            nameof(SourceFunctions.ListRejections),
            "sources",
            new("List a source's rejections", "Lista ett källsystems avvisningar"),
            new("Payloads of this source that failed, newest first, with their reasons and raw body, kept 90 days. For the source's own key or the admin key.", "Källsystemets meddelanden som inte godtogs, nyast först, med skäl och rå kropp, sparade i 90 dagar. För källsystemets egen nyckel eller administratörsnyckeln."),
            [SourceKey, AdminKey],
            [SourceId, .. Paging],
            null,
            [
                Answer(200, "A page of rejections.", "En sida avvisningar.", ApiSamples.Rejections),
                Refusal(BadPaging, "limit or offset is not valid.", "limit eller offset är ogiltig."),
                Refusal(Problem.Unauthorized(), "Neither this source's key nor the admin key.", "Varken källsystemets nyckel eller administratörsnyckeln."),
                Refusal(Problem.NotFound("No such source."), "The admin key, and no such source (the source's own key always names one).", "Administratörsnyckeln, och inget sådant källsystem (källsystemets egen nyckel namnger alltid ett)."),
            ]),
        new(
            nameof(SourceFunctions.RetryRejection),
            "sources",
            new("Run a rejection again", "Kör en avvisning igen"),
            new("Runs a kept rejection again with the source's current settings (typically after its mapping profile was fixed); it answers as a post does. For the source's own key or the admin key.", "Kör en sparad avvisning igen med källsystemets nuvarande inställningar (oftast efter att mappningsprofilen rättats); svaret är som för en post. För källsystemets egen nyckel eller administratörsnyckeln."),
            [SourceKey, AdminKey],
            [SourceId, Path("rejectionId", "The rejection's id.", "Avvisningens id.", ApiSamples.RejectionId)],
            null,
            [
                Answer(202, "Stored now.", "Lagrad nu.", ApiSamples.Accepted, Location) with { Links = [ReadTheUpdate] },
                Answer(200, "It had been stored before: the first update's id.", "Den var redan lagrad: den första uppdateringens id.", ApiSamples.Duplicate) with { Links = [ReadTheUpdate] },
                Refusal(Problem.BadRequest("The body is not valid UTF-8 JSON (with each property of an object once)."), "The kept body is not readable JSON.", "Den sparade kroppen är inte läsbar JSON."),
                Refusal(Problem.Unauthorized(), "Neither this source's key nor the admin key.", "Varken källsystemets nyckel eller administratörsnyckeln."),
                Refusal(Problem.NotFound("No such rejection for this source."), "No such rejection, or the source is gone.", "Ingen sådan avvisning, eller källsystemet finns inte längre."),
                Refusal(Problem.Conflict("The kept body was cut at the storage limit; it cannot be run again. Send the update again instead."), "The kept body was cut at the storage limit: send the update again instead.", "Den sparade kroppen kapades vid lagringsgränsen: skicka uppdateringen igen i stället."),
                Refusal(Problem.UnsupportedMediaType("text/plain"), "The kept content type is not one the hub reads.", "Den sparade innehållstypen läser navet inte."),
                Refusal(Problem.Invalid([new InvalidParameter("kind", "Required: one of collaboration-started, status-report, decision, ….")]), "Still invalid: invalid-parameters names every failing field.", "Fortfarande ogiltig: invalid-parameters räknar upp varje felaktigt fält."),
            ]),
        new(
            nameof(SourceFunctions.PutSource),
            "administration",
            new("Register or update a source", "Registrera eller ändra ett källsystem"),
            new("Registers a sending system for an organisation, or updates its settings. The first answer holds its webhook secret and Bearer key, shown this once; later answers never show them. Admin key.", "Registrerar ett sändande system för en organisation, eller ändrar dess inställningar. Det första svaret innehåller webhook-hemligheten och Bearer-nyckeln, som visas denna enda gång; senare svar visar dem aldrig. Administratörsnyckeln."),
            [AdminKey],
            [SourceId],
            Body(ApiSamples.SourceRegistration),
            [
                Answer(201, "Registered: the secret and key are shown this once.", "Registrerat: hemligheten och nyckeln visas denna enda gång.", ApiSamples.SourceRegistered) with { Links = SourceLinks },
                Answer(200, "Updated; the secret and key are unchanged and not shown.", "Ändrat; hemligheten och nyckeln är oförändrade och visas inte.", ApiSamples.SourceUpdated) with { Links = SourceLinks },
                Refusal(Problem.BadRequest("The body is not valid JSON of the expected shape (at $.queueIngest)."), "The body is not JSON of the expected shape.", "Kroppen är inte JSON av väntad form."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.TooLarge(JsonBody.MaxBytes), "The body is larger than 256 KiB.", "Kroppen är större än 256 KiB."),
                Refusal(Problem.UnsupportedMediaType("text/plain"), "Not application/json.", "Inte application/json."),
                Refusal(Problem.Invalid([new InvalidParameter("organisation", "Not a known kommunkod, municipality name or valid organisationsnummer.", "Atlantis")]), "Validation failed: invalid-parameters names every failing field at once.", "Valideringen misslyckades: invalid-parameters räknar upp varje felaktigt fält på en gång."),
            ]),
        new(
            nameof(SourceFunctions.GetSource),
            "administration",
            new("Read a source", "Läs ett källsystem"),
            new("A source's settings and the ids of its valid signing secrets and Bearer keys, with when each was made and when it ends: the ids a revocation names. Never a secret or key. Admin key.", "Ett källsystems inställningar och id:n för dess giltiga signeringshemligheter och Bearer-nycklar, med när var och en skapades och när den upphör: de id:n som en återkallelse anger. Aldrig en hemlighet eller nyckel. Administratörsnyckeln."),
            [AdminKey],
            [SourceId],
            null,
            [
                Answer(200, "The source.", "Källsystemet.", ApiSamples.SourceUpdated) with { Links = SourceLinks },
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such source."), "No such source.", "Inget sådant källsystem."),
            ]),
        new(
            nameof(SourceFunctions.RotateSourceSecret),
            "administration",
            new("Rotate a source's webhook secret", "Byt ett källsystems webhook-hemlighet"),
            new("Makes a new signing secret, shown this once as secret; the previous one still verifies for the overlap (Hub:Credentials:Overlap, 24 hours by default), so the source can switch without losing a post. Admin key.", "Skapar en ny signeringshemlighet, som visas denna enda gång som secret; den förra godtas under överlappet (Hub:Credentials:Overlap, 24 timmar som standard), så att källsystemet kan byta utan att en post går förlorad. Administratörsnyckeln."),
            [AdminKey],
            [SourceId],
            null,
            [
                Answer(200, "The new secret, shown once.", "Den nya hemligheten, visas en gång.", ApiSamples.SecretRotation),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such source."), "No such source.", "Inget sådant källsystem."),
            ]),
        new(
            nameof(PartnerFunctions.PutPartner),
            "administration",
            new("Register or update a partner", "Registrera eller ändra en mottagare"),
            new("Registers an organisation to receive updates (Service Bus queue, storage queue or signed webhook), its filters and its digest recipients, or updates them; its queues are made ready. The first answer holds its webhook secret and key, shown this once. Admin key.", "Registrerar en organisation som mottagare av uppdateringar (Service Bus-kö, lagringskö eller signerad webhook), dess filter och mottagarna av dess sammanställning, eller ändrar dem; dess köer görs i ordning. Det första svaret innehåller webhook-hemligheten och nyckeln, som visas denna enda gång. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId],
            Body(ApiSamples.PartnerRegistration),
            [
                Answer(201, "Registered: the webhook secret and partner key are shown this once.", "Registrerad: webhook-hemligheten och mottagarens nyckel visas denna enda gång.", ApiSamples.PartnerRegistered) with { Links = PartnerLinks },
                Answer(200, "Updated; the secret and key are unchanged and not shown.", "Ändrad; hemligheten och nyckeln är oförändrade och visas inte.", ApiSamples.PartnerUpdated) with { Links = PartnerLinks },
                Refusal(Problem.BadRequest("The body is not valid JSON of the expected shape (at $.channels)."), "The body is not JSON of the expected shape.", "Kroppen är inte JSON av väntad form."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.TooLarge(JsonBody.MaxBytes), "The body is larger than 256 KiB.", "Kroppen är större än 256 KiB."),
                Refusal(Problem.UnsupportedMediaType("text/plain"), "Not application/json.", "Inte application/json."),
                Refusal(Problem.Invalid([new InvalidParameter("channels[1].url", "Only https URLs are allowed.", "http://integration.haninge.se")]), "Validation failed: invalid-parameters names every failing field at once.", "Valideringen misslyckades: invalid-parameters räknar upp varje felaktigt fält på en gång."),
            ]),
        new(
            nameof(PartnerFunctions.GetPartner),
            "administration",
            new("Read a partner", "Läs en mottagare"),
            new("A partner's channels, filters and digest recipients, disabled webhooks, and the ids of its valid secrets and keys with when each was made and ends. Never a secret or key. Admin key.", "En mottagares kanaler, filter och mottagare av sammanställningen, avstängda webhooks, och id:n för dess giltiga hemligheter och nycklar med när var och en skapades och upphör. Aldrig en hemlighet eller nyckel. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId],
            null,
            [
                Answer(200, "The partner.", "Mottagaren.", ApiSamples.PartnerUpdated) with { Links = PartnerLinks },
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(PartnerFunctions.ListDeliveries),
            "administration",
            new("List a partner's deliveries", "Lista en mottagares leveranser"),
            new("A partner's delivery attempts, newest first, and the deliveries given up on (dead letters). Admin key.", "En mottagares leveransförsök, nyast först, och de leveranser som getts upp (döda brev). Administratörsnyckeln."),
            [AdminKey],
            [PartnerId, .. Paging],
            null,
            [
                Answer(200, "Attempts and dead letters.", "Försök och döda brev.", ApiSamples.Deliveries),
                Refusal(BadPaging, "limit or offset is not valid.", "limit eller offset är ogiltig."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(PartnerFunctions.ReplayDeliveries),
            "administration",
            new("Send a partner's deliveries again", "Skicka en mottagares leveranser igen"),
            new("Sends the partner again what was routed to it between from and to, with the same ids and sequence numbers, so that it can drop what it already has; dead letters in the range leave the dead letters. Admin key.", "Skickar mottagaren igen det som gick till den mellan from och to, med samma id och löpnummer, så att den kan kasta det den redan har; döda brev i intervallet lämnar de döda breven. Administratörsnyckeln."),
            [AdminKey],
            [
                PartnerId,
                new("from", ParameterLocation.Query, new("Start of the range, RFC 3339.", "Intervallets början, RFC 3339."), Rfc3339, "2026-03-01T00:00:00Z", Required: true),
                new("to", ParameterLocation.Query, new("End of the range, RFC 3339, after from.", "Intervallets slut, RFC 3339, efter from."), Rfc3339, "2026-03-20T00:00:00Z", Required: true),
            ],
            null,
            [
                Answer(202, "What was sent again.", "Vad som skickades igen.", ApiSamples.Replay),
                Refusal(Problem.BadRequest("Invalid replay range.", [new InvalidParameter("to", "Must be after 'from'.")]), "from or to is missing or not valid.", "from eller to saknas eller är ogiltig."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(DigestFunctions.GetPartnerDigest),
            "digest",
            new("Read a partner's monthly digest", "Läs en mottagares månadssammanställning"),
            new("The digest e-mailed to the partner for a month: its collaborations and work elsewhere that looks like its own (\"I mellanrummet\"). HTML by default, format=text for the plain-text part. For the partner's own key or the admin key.", "Sammanställningen som mejlats till mottagaren för en månad: dess samverkningar och arbete på annat håll som liknar dess eget (\"I mellanrummet\"). HTML som standard, format=text för textdelen. För mottagarens egen nyckel eller administratörsnyckeln."),
            [PartnerKey, AdminKey],
            [
                PartnerId,
                Month,
                new("format", ParameterLocation.Query, new("html (the default) or text.", "html (standard) eller text."), () => new JsonObject { ["type"] = "string", ["enum"] = Strings(["html", "text"]), ["default"] = "html" }, "html"),
            ],
            null,
            [
                new(200, new("The digest.", "Sammanställningen."), [Text("text/html"), Text("text/plain")], []),
                Refusal(Problem.BadRequest("Invalid digest request.", [new InvalidParameter("format", "Either html (the default) or text.", "pdf")]), "The month or the format is not valid.", "Månaden eller formatet är ogiltigt."),
                Refusal(Problem.Unauthorized("Authentication failed: send the admin key or this partner's key as Authorization: Bearer."), "Neither the admin key nor this partner's key.", "Varken administratörsnyckeln eller mottagarens nyckel."),
                Refusal(Problem.NotFound("Nothing happened for this partner in 2026-03: there is no digest for an empty month."), "No such partner, or nothing happened for it that month.", "Ingen sådan mottagare, eller inget hände för den den månaden."),
            ]),
        new(
            nameof(DigestFunctions.SendDigests),
            "digest",
            new("Send a month's digests now", "Skicka en månads sammanställningar nu"),
            new("Queues a run of the month's digest, the same job the monthly timer starts: the month's shared index is composed once, then each partner's digest is composed and e-mailed by jobs on the digests queue; recipients who already have that month's e-mail are skipped, so nobody gets two. Only a month that has ended. Follow Location for the progress. Admin key.", "Köar en körning av månadens sammanställning, samma jobb som den månatliga timern startar: månadens gemensamma index sammanställs en gång, sedan sammanställs och mejlas varje mottagares brev av jobb på kön digests; mottagare som redan har månadens mejl hoppas över, så ingen får två. Bara en månad som är slut. Följ Location för förloppet. Administratörsnyckeln."),
            [AdminKey],
            [Month],
            null,
            [
                Answer(202, "The run, queued.", "Körningen, köad.", ApiSamples.DigestRun with { State = DigestRun.Queued, Cutoff = null, Updates = null, Late = null, Partners = null, Queued = 0, Digests = 0, Sent = 0, Skipped = 0 }, DigestProgress),
                Refusal(Problem.BadRequest("Invalid month.", [DigestMonth.Invalid("2026-13")]), "Not a month yyyy-MM.", "Inte en månad åååå-MM."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.Conflict("2026-04 has not ended: its digest can be sent from 2026-04-30T22:00:00Z."), "The month has not ended.", "Månaden är inte slut."),
            ]),
        new(
            nameof(DigestFunctions.GetDigestRun),
            "digest",
            new("Follow a month's digest run", "Följ en månads körning av sammanställningen"),
            new("The month's latest run: its state, the month's cutoff and counts, partners still queued, e-mails sent, skipped, failed and uncertain. Admin key.", "Månadens senaste körning: dess läge, månadens brytpunkt och antal, mottagare som återstår, mejl skickade, överhoppade, misslyckade och osäkra. Administratörsnyckeln."),
            [AdminKey],
            [Month],
            null,
            [
                Answer(200, "The run's progress.", "Körningens förlopp.", ApiSamples.DigestRun),
                Refusal(Problem.BadRequest("Invalid month.", [DigestMonth.Invalid("2026-13")]), "Not a month yyyy-MM.", "Inte en månad åååå-MM."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("The digest of 2026-03 has not been run."), "The month's digest was never run.", "Månadens sammanställning har aldrig körts."),
            ]),
        new(
            nameof(SourceFunctions.RotateSourceKey),
            "administration",
            new("Rotate a source's Bearer key", "Byt ett källsystems Bearer-nyckel"),
            new("Makes a new Bearer key, shown this once as key; the previous one still works for the overlap. Admin key.", "Skapar en ny Bearer-nyckel, som visas denna enda gång som key; den förra fungerar under överlappet. Administratörsnyckeln."),
            [AdminKey],
            [SourceId],
            null,
            [
                Answer(200, "The new key, shown once.", "Den nya nyckeln, visas en gång.", ApiSamples.KeyRotation),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such source."), "No such source.", "Inget sådant källsystem."),
            ]),
        new(
            nameof(SourceFunctions.RevokeSourceCredential),
            "administration",
            new("Revoke a source's secret or key", "Återkalla ett källsystems hemlighet eller nyckel"),
            new("Ends one of the source's signing secrets (kind secrets) or Bearer keys (kind keys) at once, named by its credential id. Admin key.", "Avslutar en av källsystemets signeringshemligheter (kind secrets) eller Bearer-nycklar (kind keys) direkt, angiven med sitt id. Administratörsnyckeln."),
            [AdminKey],
            [SourceId, Kind, CredentialIdParameter],
            null,
            [
                Answer(200, "The source, with the credentials still valid.", "Källsystemet, med de uppgifter som fortfarande gäller.", ApiSamples.SourceRevoked),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such source, or no such valid credential of it."), "No such source, or no such valid credential of it.", "Inget sådant källsystem, eller ingen sådan giltig uppgift."),
            ]),
        new(
            nameof(PartnerFunctions.RotatePartnerSecret),
            "administration",
            new("Rotate a partner's webhook signing secret", "Byt en mottagares webhook-hemlighet"),
            new("Makes a new signing secret, shown this once as secret; during the overlap every webhook carries two signatures in webhook-signature (new and previous), as Standard Webhooks allows. Admin key.", "Skapar en ny signeringshemlighet, som visas denna enda gång som secret; under överlappet bär varje webhook två signaturer i webhook-signature (ny och förra), som Standard Webhooks tillåter. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId],
            null,
            [
                Answer(200, "The new secret, shown once.", "Den nya hemligheten, visas en gång.", ApiSamples.PartnerSecretRotation),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(PartnerFunctions.RotatePartnerKey),
            "administration",
            new("Rotate a partner's Bearer key", "Byt en mottagares Bearer-nyckel"),
            new("Makes a new Bearer key, shown this once as key; the previous one still works for the overlap. Admin key.", "Skapar en ny Bearer-nyckel, som visas denna enda gång som key; den förra fungerar under överlappet. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId],
            null,
            [
                Answer(200, "The new key, shown once.", "Den nya nyckeln, visas en gång.", ApiSamples.PartnerKeyRotation),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(PartnerFunctions.RevokePartnerCredential),
            "administration",
            new("Revoke a partner's secret or key", "Återkalla en mottagares hemlighet eller nyckel"),
            new("Ends one of the partner's signing secrets (kind secrets) or Bearer keys (kind keys) at once, named by its credential id. Admin key.", "Avslutar en av mottagarens signeringshemligheter (kind secrets) eller Bearer-nycklar (kind keys) direkt, angiven med sitt id. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId, Kind, CredentialIdParameter],
            null,
            [
                Answer(200, "The partner, with the credentials still valid.", "Mottagaren, med de uppgifter som fortfarande gäller.", ApiSamples.PartnerUpdated),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner, or no such valid credential of it."), "No such partner, or no such valid credential of it.", "Ingen sådan mottagare, eller ingen sådan giltig uppgift."),
            ]),
        new(
            nameof(PortalLinkFunctions.CreatePortalLink),
            "administration",
            new("Issue a partner a sign-in link to its partner page", "Ge en mottagare en inloggningslänk till mottagarsidan"),
            new("A link to /portal that signs the partner in once, within 24 hours: url is shown only in this answer (the hub keeps a hash of its token), id revokes it. The link opens a page whose button (a POST) uses it, so a mail scanner following the link uses nothing; the session it starts lasts 8 hours and sees this partner alone. Admin key.", "En länk till /portal som loggar in mottagaren en gång, inom 24 timmar: url visas bara i detta svar (navet sparar ett hashvärde av dess kod), id återkallar den. Länken öppnar en sida vars knapp (en POST) använder den, så att en e-postskanner som följer länken inte förbrukar något; sessionen den startar gäller i 8 timmar och ser bara denna mottagare. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId],
            null,
            [
                Answer(201, "The link, shown once.", "Länken, visas en gång.", ApiSamples.PortalLink),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner."), "No such partner.", "Ingen sådan mottagare."),
            ]),
        new(
            nameof(PortalLinkFunctions.RevokePortalLink),
            "administration",
            new("Revoke a sign-in link", "Återkalla en inloggningslänk"),
            new("The link (named by the id its answer gave) signs in no more; a session it already started is not ended. Admin key.", "Länken (angiven med id:t i dess svar) loggar inte in längre; en session som den redan startat avslutas inte. Administratörsnyckeln."),
            [AdminKey],
            [PartnerId, Path("linkId", "The link's id (pl_…), as its answer shows it.", "Länkens id (pl_…), som dess svar visar det.", ApiSamples.PortalLink.Id)],
            null,
            [
                new(204, new("Revoked.", "Återkallad."), [], []),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
                Refusal(Problem.NotFound("No such partner, or no such link of it."), "No such partner, or no such link of it.", "Ingen sådan mottagare, eller ingen sådan länk."),
            ]),
        new(
            nameof(CollaborationFunctions.PutCollaboration),
            "collaborations",
            new("Create or change a collaboration", "Skapa eller ändra en samverkan"),
            new(
                "Sets the fields given (absent fields stay as they are): name, description, form, status, area for any member's source or the admin; public and owner (a hand-over to another member) for the owner's source or the admin. Creates the collaboration when the id is unknown: a source's organisation owns it; the admin names the owner.",
                "Sätter de fält som ges (fält som saknas lämnas): name, description, form, status, area för en medlems källsystem eller administratören; public och owner (överlämning till en annan medlem) för ägarens källsystem eller administratören. Skapar samverkan när id:t är okänt: källsystemets organisation äger den; administratören anger ägaren."),
            [SourceKey, AdminKey],
            [CollaborationId],
            Body(ApiSamples.CollaborationChange),
            [
                Answer(201, "Created.", "Skapad.", ApiSamples.Collaboration),
                Answer(200, "Changed.", "Ändrad.", ApiSamples.Collaboration),
                Refusal(Problem.BadRequest("The body is not valid JSON of the expected shape (at $.public)."), "The body is not JSON of the expected shape.", "Kroppen är inte JSON av väntad form."),
                Refusal(Problem.Unauthorized("Authentication failed: send a member's source key or the admin key as Authorization: Bearer."), "Neither a source key nor the admin key.", "Varken en källsystemsnyckel eller administratörsnyckeln."),
                Refusal(Problem.Forbidden("Only a source whose organisation is a member of this collaboration may speak for it.", [new InvalidParameter("collaboration", "The sender's organisation is not a member of this collaboration.", CollaborationId.Example)]), "Not a member's source, or a field only the owner changes (public, owner).", "Inte en medlems källsystem, eller ett fält som bara ägaren ändrar (public, owner)."),
                Refusal(Problem.TooLarge(JsonBody.MaxBytes), "The body is larger than 256 KiB.", "Kroppen är större än 256 KiB."),
                Refusal(Problem.UnsupportedMediaType("text/plain"), "Not application/json.", "Inte application/json."),
                Refusal(Problem.Invalid([new InvalidParameter("form", "Must be one of: " + string.Join(", ", Collaboration.Forms) + ".", "klubb")]), "Validation failed: invalid-parameters names every failing field at once.", "Valideringen misslyckades: invalid-parameters räknar upp varje felaktigt fält på en gång."),
            ]),
        new(
            nameof(CollaborationFunctions.AddCollaborationMember),
            "collaborations",
            new("Add a member", "Lägg till en medlem"),
            new("A member's source (or the admin) adds an organisation to the collaboration's members, as an update naming it as a participant would; at most 400 members. Answers the collaboration with its members.", "En medlems källsystem (eller administratören) lägger till en organisation bland samverkans medlemmar, som en uppdatering som anger den som deltagare skulle göra; högst 400 medlemmar. Svarar med samverkan och dess medlemmar."),
            [SourceKey, AdminKey],
            [CollaborationId, Path("organisation", "The organisation to add: kommunkod, municipality name or organisationsnummer.", "Organisationen som läggs till: kommunkod, kommunnamn eller organisationsnummer.", "0127")],
            null,
            [
                Answer(201, "Added.", "Tillagd.", ApiSamples.Collaboration),
                Answer(200, "A member already: nothing changed.", "Redan medlem: inget ändrat.", ApiSamples.Collaboration),
                Refusal(Problem.Unauthorized("Authentication failed: send a member's source key or the admin key as Authorization: Bearer."), "Neither a source key nor the admin key.", "Varken en källsystemsnyckel eller administratörsnyckeln."),
                Refusal(Problem.Forbidden("Only a source whose organisation is a member of this collaboration may speak for it.", [new InvalidParameter("collaboration", "The sender's organisation is not a member of this collaboration.", CollaborationId.Example)]), "Not a member's source.", "Inte en medlems källsystem."),
                Refusal(Problem.NotFound("No collaboration with that id."), "No such collaboration.", "Ingen sådan samverkan."),
                Refusal(Problem.Invalid([new InvalidParameter("organisation", "Not a known organisation: a kommunkod (4 digits), a municipality's name or an organisationsnummer (NNNNNN-NNNN).", "9999")]), "Not a known organisation, or the collaboration has 400 members.", "Ingen känd organisation, eller samverkan har 400 medlemmar."),
            ]),
        new(
            nameof(CollaborationFunctions.RemoveCollaborationMember),
            "collaborations",
            new("Remove a member", "Ta bort en medlem"),
            new("A member leaves by its own source's key; the admin removes any member. The owner hands the collaboration over first.", "En medlem lämnar med sitt eget källsystems nyckel; administratören tar bort vilken medlem som helst. Ägaren lämnar först över samverkan."),
            [SourceKey, AdminKey],
            [CollaborationId, Path("organisation", "The member: kommunkod or organisationsnummer.", "Medlemmen: kommunkod eller organisationsnummer.", "0136")],
            null,
            [
                new(204, new("Removed.", "Borttagen."), [], []),
                Refusal(Problem.Unauthorized("Authentication failed: send that organisation's source key or the admin key as Authorization: Bearer."), "Neither a source key nor the admin key.", "Varken en källsystemsnyckel eller administratörsnyckeln."),
                Refusal(Problem.Forbidden("A member leaves by its own source's key; the admin may remove any member.", [new InvalidParameter("organisation", "Not the caller's organisation.", "0136")]), "Not that organisation's source.", "Inte den organisationens källsystem."),
                Refusal(Problem.NotFound("That organisation is not a member of this collaboration."), "No such collaboration, or not a member.", "Ingen sådan samverkan, eller inte medlem."),
                Refusal(Problem.Conflict("The owner cannot leave: hand the collaboration over to another member first (PUT with owner)."), "The owner hands over first.", "Ägaren lämnar först över."),
            ]),
        new(
            nameof(AuditFunctions.ListAudit),
            "administration",
            new("Read the audit log", "Läs granskningsloggen"),
            new("Every administrative act (sources and partners registered or changed, credentials rotated or revoked, replays, digests sent, collaborations changed, members added or removed): who by key id, never the key, what and when; newest first, paged by cursor. Admin key.", "Varje administrativ handling (källsystem och mottagare registrerade eller ändrade, uppgifter bytta eller återkallade, omsändningar, sammanställningar skickade, samverkningar ändrade, medlemmar tillagda eller borttagna): vem med nyckelns id, aldrig nyckeln, vad och när; nyast först, sidindelad med markör. Administratörsnyckeln."),
            [AdminKey],
            [
                new("from", ParameterLocation.Query, new("Start of the range, RFC 3339 (30 days ago when absent).", "Intervallets början, RFC 3339 (för 30 dagar sedan när den saknas)."), Rfc3339, "2026-03-01T00:00:00Z"),
                new("to", ParameterLocation.Query, new("End of the range, RFC 3339 (now when absent).", "Intervallets slut, RFC 3339 (nu när den saknas)."), Rfc3339, "2026-04-01T00:00:00Z"),
                .. CursorPaging,
            ],
            null,
            [
                Answer(200, "A page of the audit log, and the cursor of the next page.", "En sida av granskningsloggen, och markören för nästa sida.", ApiSamples.Audit),
                Refusal(Problem.BadRequest("Invalid audit query.", [new InvalidParameter("to", "Must be after 'from'.")]), "from, to, limit or cursor is not valid.", "from, to, limit eller cursor är ogiltig."),
                Refusal(AdminOnly, "Not the admin key.", "Inte administratörsnyckeln."),
            ]),
        new(
            nameof(RegisterFunctions.GetRegister),
            "open-data",
            new("The register as open data", "Registret som öppna data"),
            new(
                "Every public collaboration (none marked \"public\": false), most recently active first, with its members by name, county, organisationsnummer and dataportal.se URI where known, and the address of its page. JSON by default or with format=json; CSV (RFC 4180, UTF-8, one row per collaboration, members joined by ;) with format=csv or Accept: text/csv. Licence CC0 1.0. Open to anyone, from any origin.",
                "Varje publik samverkan (ingen markerad \"public\": false), senast aktiv först, med medlemmar med namn, län, organisationsnummer och dataportal.se-URI där de är kända, och adressen till dess sida. JSON som standard eller med format=json; CSV (RFC 4180, UTF-8, en rad per samverkan, medlemmar åtskilda med ;) med format=csv eller Accept: text/csv. Licens CC0 1.0. Öppen för alla, från alla ursprung."),
            [],
            [
                new("format", ParameterLocation.Query, new("json (the default) or csv.", "json (standard) eller csv."), () => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("json", "csv"), ["default"] = "json" }, "csv"),
            ],
            null,
            [
                new(200, new("The register.", "Registret."), [new ApiContent(Json, typeof(RegisterDocument), null, ApiSamples.Register), Text(RegisterExport.CsvMediaType)], []),
                Refusal(Problem.BadRequest("Invalid query parameters.", [new InvalidParameter("format", "Either json (the default) or csv.", "xml")]), "format is neither json nor csv.", "format är varken json eller csv."),
            ]),
        new(
            nameof(RegisterFunctions.GetDcat),
            "open-data",
            new("The register's catalogue description (DCAT-AP-SE)", "Registrets katalogbeskrivning (DCAT-AP-SE)"),
            new(
                "A DCAT-AP-SE catalogue as JSON-LD, for dataportal.se to harvest: the catalogue, the dataset (the register) and its two distributions, the CSV and the JSON of /api/v1/register, under CC0 1.0. The organisations whose reports make up the data are the dataset's creators, named by their dataportal.se URI (http://dataportal.se/organisation/SE<organisationsnummer>) where the organisationsnummer is known. Open to anyone, from any origin.",
                "En DCAT-AP-SE-katalog som JSON-LD, för dataportal.se att skörda: katalogen, datamängden (registret) och dess två distributioner, CSV och JSON från /api/v1/register, under CC0 1.0. Organisationerna vars rapporter utgör datan är datamängdens skapare, namngivna med sin dataportal.se-URI (http://dataportal.se/organisation/SE<organisationsnummer>) där organisationsnumret är känt. Öppen för alla, från alla ursprung."),
            [],
            [],
            null,
            [new(200, new("The catalogue, as JSON-LD.", "Katalogen, som JSON-LD."), [new ApiContent(DcatCatalogue.MediaType, null, _ => new JsonObject { ["type"] = "object", ["required"] = new JsonArray("@context", "@graph") }, DcatCatalogue.Sample("https://mellanrum.example.se"))], [])]),
        new(
            nameof(MetaFunctions.GetApiInfo),
            "meta",
            new("What this API is", "Vad detta API är"),
            new("Name, version, release date, status and where the documentation is (DIGG's api-info). Open to anyone.", "Namn, version, releasedatum, status och var dokumentationen finns (DIGG:s api-info). Öppen för alla."),
            [],
            [],
            null,
            [Answer(200, "API information.", "Information om API:et.", ApiInfo.Current)]),
        new(
            nameof(MetaFunctions.GetHealth),
            "meta",
            new("Is the hub healthy", "Mår navet bra"),
            new("Healthy when the hub's storage answers. Open to anyone; for monitoring.", "Friskt när navets lagring svarar. Öppen för alla; för övervakning."),
            [],
            [],
            null,
            [
                Answer(200, "Healthy.", "Friskt.", ApiSamples.Healthy),
                Refusal(Problem.Unavailable("Storage is not reachable."), "Storage is not reachable.", "Lagringen svarar inte."),
            ]),
        new(
            nameof(MetaFunctions.GetOpenApi),
            "meta",
            new("This document", "Detta dokument"),
            new("The OpenAPI 3.1 description of this API, built from the records the hub reads and writes. Open to anyone.", "OpenAPI 3.1-beskrivningen av detta API, byggd från de poster navet läser och skriver. Öppen för alla."),
            [],
            [],
            null,
            [new(200, new("The OpenAPI document (its example is an excerpt: the document's info and one of its paths).", "OpenAPI-dokumentet (exemplet är ett utdrag: dokumentets info och en av dess sökvägar)."), [new(Json, null, _ => OpenApiBuilder.DocumentSchema(), OpenApiBuilder.ExcerptMarker)], [])]),
        ApiOperation.Undocumented(nameof(MetaFunctions.GetOpenApiJson), "The old address of the document, /api/v1/openapi.json, kept as an alias: DIGG's profile allows no dot in a path."),
    ];

    private static ApiLink Link(string name, string operation, string parameter, string field, string en, string sv) =>
        new(name, operation, new Dictionary<string, string> { [parameter] = "$response.body#/" + field }, new(en, sv));

    private static ApiParameter Path(string name, string en, string sv, string example, string? pattern = null) =>
        new(name, ParameterLocation.Path, new(en, sv), () => pattern is null ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["pattern"] = pattern }, example, Required: true);

    private static ApiParameter Header(string name, string en, string sv, string example) =>
        new(name, ParameterLocation.Header, new(en, sv), () => new JsonObject { ["type"] = "string" }, example);

    private static JsonObject Rfc3339() => new() { ["type"] = "string", ["format"] = "date-time" };

    private static ApiRequest Body<T>(T example)
        where T : notnull =>
        new([new ApiContent(Json, typeof(T), null, example)]);

    private static ApiResponse Answer<T>(int status, string en, string sv, T example, params ApiHeader[] headers)
        where T : notnull =>
        new(status, new(en, sv), [new ApiContent(Json, typeof(T), null, example)], headers);

    /// <summary>A problem answer: the builder writes its example as <see cref="ProblemResult"/> would at this path.</summary>
    private static ApiResponse Refusal(Problem example, string en, string sv, params ApiHeader[] headers) =>
        new(example.Status, new(en, sv), [new ApiContent(ProblemResult.ContentType, typeof(ProblemBody), null, null)], headers) { Example = example };

    private static ApiContent Text(string mediaType) => new(mediaType, null, _ => new JsonObject { ["type"] = "string" }, null);

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    /// <summary>
    /// The CloudEvents 1.0 structured envelope (the CloudEvents specification's, read by its SDK): its <c>data</c> is the
    /// canonical update.
    /// </summary>
    private static JsonObject CloudEvent(ComponentSchemas components) => new()
    {
        ["type"] = "object",
        ["description"] = new Bilingual("A CloudEvents 1.0 structured event; data is the update.", "En strukturerad CloudEvents 1.0-händelse; data är uppdateringen.").Short,
        ["required"] = Strings(["specversion", "id", "source", "type", "data"]),
        ["properties"] = new JsonObject
        {
            ["specversion"] = new JsonObject { ["type"] = "string", ["enum"] = Strings(["1.0"]) },
            ["id"] = new JsonObject { ["type"] = "string", ["description"] = "An idempotency key. / En idempotensnyckel." },
            ["source"] = new JsonObject { ["type"] = "string", ["format"] = "uri-reference" },
            ["type"] = new JsonObject { ["type"] = "string" },
            ["subject"] = new JsonObject { ["type"] = "string" },
            ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["datacontenttype"] = new JsonObject { ["type"] = "string" },
            ["data"] = components.Ref(typeof(CanonicalUpdate)),
        },
    };
}

using System.Reflection;
using System.Text.Json.Nodes;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Meta;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// What the records' types cannot say and the code knows: what a record is for, the closed word lists of
/// <see cref="Vocabulary"/>, which fields a request must carry when that rule is in code, and a few formats. Members are
/// named with <c>nameof</c>, so a renamed property fails the build; a note about a member no record has fails the
/// document's build (and its test). The shapes themselves come from the records only.
/// </summary>
public static class SchemaNotes
{
    /// <summary>Component names that differ from the type's name.</summary>
    public static readonly IReadOnlyDictionary<Type, string> ComponentNames = new Dictionary<Type, string>
    {
        [typeof(ProblemBody)] = "Problem",
    };

    public static readonly IReadOnlyDictionary<Type, Bilingual> TypeDescriptions = new Dictionary<Type, Bilingual>
    {
        [typeof(CanonicalUpdate)] = new(
            "A collaboration update as a municipal system posts it. The hub is lenient in what it reads: kind, status and area may be Swedish words it maps (beslut, pågår, IT), participants may be names, occurredAt may lack an offset (Europe/Stockholm time) or be a date alone. Unknown fields are ignored.",
            "En samverkansuppdatering som ett kommunalt system skickar den. Navet läser generöst: kind, status och area får vara svenska ord som navet översätter (beslut, pågår, IT), deltagare får anges med namn, occurredAt får sakna offset (svensk tid) eller vara bara ett datum. Okända fält ignoreras."),
        [typeof(NormalisedUpdate)] = new(
            "The normalised update: as stored, returned and sent on to partners. Times are UTC; participants are kommunkoder or organisationsnummer, sorted, the sender included.",
            "Den normaliserade uppdateringen: som den lagras, returneras och skickas vidare. Tider i UTC; deltagare som kommunkoder eller organisationsnummer, sorterade, avsändaren inräknad."),
        [typeof(UpdateLink)] = new("A link of an update; https only once normalised.", "En länk i en uppdatering; endast https efter normalisering."),
        [typeof(Collaboration)] = new(
            "A samverkan, an object of its own: a name, an owner and members (one row each, at most 400). Created by the first update that names an unknown id (its sender's organisation owns it, the organisations it names are members) or by a PUT; only a member's source speaks for it. Not public: hidden from anonymous reads and from partners that match it only by filter.",
            "En samverkan, ett eget objekt: ett namn, en ägare och medlemmar (var och en sin rad, högst 400). Skapas av den första uppdateringen som nämner ett okänt id (avsändarens organisation äger den, de organisationer den nämner blir medlemmar) eller med PUT; bara en medlems källsystem talar för den. Inte publik: dold för anonyma läsningar och för mottagare som matchar den bara genom filter."),
        [typeof(Member)] = new("An organisation taking part, and since when.", "En deltagande organisation, och sedan när."),
        [typeof(CollaborationSummary)] = new(
            "A collaboration as a list shows it: its members' organisations and their counties.",
            "En samverkan som en lista visar den: medlemmarnas organisationer och deras län."),
        [typeof(CollaborationChange)] = new(
            "What a PUT sets; absent fields stay as they are. On creation name is required, and the admin names the owner.",
            "Vad en PUT sätter; fält som saknas lämnas som de är. Vid skapande krävs name, och administratören anger owner."),
        [typeof(CredentialView)] = new("A credential as an answer shows it: its id, when it was made, and when it stops (absent: current).", "En inloggningsuppgift som ett svar visar den: dess id, när den skapades och när den upphör (saknas: aktuell)."),
        [typeof(IssuedCredential)] = new(
            "A new credential, shown this once: secret for a signing secret, key for a Bearer key; the one it replaces works until previousValidUntil.",
            "En ny inloggningsuppgift, visas denna enda gång: secret för en signeringshemlighet, key för en Bearer-nyckel; den den ersätter fungerar till previousValidUntil."),
        [typeof(Portal.PortalLinkAnswer)] = new("A sign-in link to the partner page, shown once: id revokes it, url signs in once before expiresAt.", "En inloggningslänk till mottagarsidan, visas en gång: id återkallar den, url loggar in en gång före expiresAt."),
        [typeof(AuditEntry)] = new("One administrative act: who (a key's id, never the key), what, on what, when.", "En administrativ handling: vem (en nyckels id, aldrig nyckeln), vad, på vad, när."),
        [typeof(IngestAnswer)] = new("The answer to a stored update: its id, and whether it was a repeat.", "Svaret på en lagrad uppdatering: dess id och om den var en upprepning."),
        [typeof(ProblemBody)] = new(
            "An error, as RFC 9457 problem details: instance is the path that answered; invalid-parameters (the name of RFC 7807's own example) names every failing field at once, at most 50, and invalid-parameters-omitted counts the rest.",
            "Ett fel som RFC 9457 problem details: instance är sökvägen som svarade; invalid-parameters (namnet i RFC 7807:s eget exempel) räknar upp varje felaktigt fält på en gång, högst 50, och invalid-parameters-omitted räknar resten."),
        [typeof(InvalidParameter)] = new("One failing field: its name, why, and the value (cut short, never a personnummer).", "Ett felaktigt fält: namnet, varför, och värdet (förkortat, aldrig ett personnummer)."),
        [typeof(SourceRegistration)] = new("The body of a source registration.", "Kroppen i en registrering av ett källsystem."),
        [typeof(SourceRegistrationResult)] = new(
            "A registered source. The webhook secret and the Bearer key are in the first answer only: they are shown this once.",
            "Ett registrerat källsystem. Webhook-hemligheten och Bearer-nyckeln finns bara i det första svaret: de visas en gång."),
        [typeof(MappingProfile)] = new(
            "How a source's own JSON reads as a canonical update: fields by JSON Pointer (RFC 6901), its words mapped to the hub's, defaults for the rest.",
            "Hur ett källsystems egen JSON läses som en kanonisk uppdatering: fält via JSON Pointer (RFC 6901), dess ord översatta till navets, standardvärden för resten."),
        [typeof(Rejection)] = new(
            "A payload that failed, kept with its reasons and raw body so that it can be seen and run again.",
            "Ett meddelande som inte godtogs, sparat med skälen och den råa kroppen så att det kan ses och köras igen."),
        [typeof(PartnerRegistration)] = new("The body of a partner registration.", "Kroppen i en registrering av en mottagare."),
        [typeof(PartnerView)] = new(
            "A registered partner. The webhook secret and the partner key are in the first answer only: they are shown this once.",
            "En registrerad mottagare. Webhook-hemligheten och mottagarens nyckel finns bara i det första svaret: de visas en gång."),
        [typeof(PartnerChannel)] = new("How a partner receives updates.", "Hur en mottagare tar emot uppdateringar."),
        [typeof(PartnerFilters)] = new(
            "Updates a partner wants beyond its own collaborations: a set matches when every named dimension matches one of its values; none named matches nothing extra.",
            "Uppdateringar som mottagaren vill ha utöver sina egna samverkningar: en uppsättning matchar när varje angiven dimension matchar något av sina värden; ingen angiven matchar inget extra."),
        [typeof(DigestSettings)] = new("Who reads the monthly digest, and in which language.", "Vem som läser månadssammanställningen, och på vilket språk."),
        [typeof(DeliveryPage)] = new("A page of a partner's delivery log, newest first, and its dead letters.", "En sida av en mottagares leveranslogg, nyast först, och dess döda brev."),
        [typeof(DeliveryAttempt)] = new("One attempt to deliver an update to a partner over a channel.", "Ett försök att leverera en uppdatering till en mottagare över en kanal."),
        [typeof(DeadLetter)] = new("A delivery given up on: kept, listed and sent again by a replay.", "En leverans som gavs upp: sparas, listas och skickas igen vid omsändning."),
        [typeof(ReplayResult)] = new("What a replay sent again.", "Vad en omsändning skickade igen."),
        [typeof(DigestRunView)] = new(
            "A month's latest digest run and what its jobs did so far: partners (with digest recipients) still queued, e-mails sent, skipped (the recipient had the month already), failed, uncertain.",
            "En månads senaste körning av sammanställningen och vad dess jobb gjort hittills: mottagare (med adresser) som återstår, mejl skickade, överhoppade (mottagaren hade redan månaden), misslyckade, osäkra."),
        [typeof(ApiInfo)] = new("What this API is (DIGG's api-info).", "Vad detta API är (DIGG:s api-info)."),
        [typeof(HealthAnswer)] = new("The hub's health.", "Navets hälsa."),
    };

    /// <summary>Fields a request body must carry where the rule is the code's (it answers 422 naming them), not the type's.</summary>
    public static readonly IReadOnlyDictionary<Type, IReadOnlyList<string>> RequiredInRequests = new Dictionary<Type, IReadOnlyList<string>>
    {
        [typeof(CanonicalUpdate)] = [nameof(CanonicalUpdate.Collaboration), nameof(CanonicalUpdate.Kind), nameof(CanonicalUpdate.Title), nameof(CanonicalUpdate.OccurredAt)],
        [typeof(SourceRegistration)] = [nameof(SourceRegistration.Organisation), nameof(SourceRegistration.Name)],
        [typeof(PartnerRegistration)] = [nameof(PartnerRegistration.Organisation)],
    };

    /// <summary>Properties the code reads as JSON and then as a record of its own: their schema is that record's.</summary>
    public static readonly IReadOnlyDictionary<(Type Type, string Member), Type> ReadAs = new Dictionary<(Type, string), Type>
    {
        [(typeof(SourceRegistration), nameof(SourceRegistration.Profile))] = typeof(MappingProfile),
    };

    private static readonly Dictionary<(Type Type, string Member), Action<JsonObject>> Properties = new()
    {
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.ExternalId))] = s => s.Describe("The sending system's own id; the first idempotency key.", "Källsystemets eget id; den första idempotensnyckeln.").Max(UpdateNormaliser.MaxExternalIdLength),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Collaboration))] = s => s.Describe("The collaboration's id, a slug agreed between the partners.", "Samverkans id, en slug som parterna kommit överens om.").Slug(),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Kind))] = s => s.Describe("One of the kinds (" + string.Join(", ", Vocabulary.Kinds) + "), or a Swedish word for one.", "En av typerna ovan, eller ett svenskt ord för en."),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Title))] = s => s.Describe("1-200 characters after trimming.", "1-200 tecken efter trimning.").Min(1).Max(UpdateNormaliser.MaxTitleLength),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Summary))] = s => s.Describe("Plain text; HTML and Markdown are reduced to text.", "Ren text; HTML och Markdown görs om till text.").Max(UpdateNormaliser.MaxSummaryLength),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Status))] = s => s.Describe("One of the statuses (" + string.Join(", ", Vocabulary.Statuses) + "), or a Swedish word for one.", "En av statusarna, eller ett svenskt ord för en."),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Area))] = s => s.Describe("One of the areas (" + string.Join(", ", Vocabulary.Areas) + "), or a word the hub maps to one.", "Ett av områdena, eller ett ord som navet översätter till ett."),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.Participants))] = s => s.Describe("Organisations taking part: kommunkod, municipality name or organisationsnummer.", "Deltagande organisationer: kommunkod, kommunnamn eller organisationsnummer."),
        [(typeof(CanonicalUpdate), nameof(CanonicalUpdate.OccurredAt))] = s => s.WithoutFormat().Describe(
            "When it happened: RFC 3339 with any offset; without an offset it is Europe/Stockholm time; a date alone is the start of that day.",
            "När det hände: RFC 3339 med valfri offset; utan offset gäller svensk tid; ett datum ensamt är dagens början."),
        [(typeof(NormalisedUpdate), nameof(NormalisedUpdate.Kind))] = s => s.OneOf(Vocabulary.Kinds),
        [(typeof(NormalisedUpdate), nameof(NormalisedUpdate.Status))] = s => s.OneOf(Vocabulary.Statuses),
        [(typeof(NormalisedUpdate), nameof(NormalisedUpdate.Area))] = s => s.OneOf(Vocabulary.Areas),
        [(typeof(NormalisedUpdate), nameof(NormalisedUpdate.Id))] = s => s.Describe("The hub's id of the update: 26 base32 characters, the same for every repeat of an idempotency key.", "Navets id för uppdateringen: 26 base32-tecken, detsamma vid varje upprepning av en idempotensnyckel."),
        [(typeof(NormalisedUpdate), nameof(NormalisedUpdate.Organisation))] = s => s.Describe("The sending organisation: the source's owner.", "Den sändande organisationen: källsystemets ägare."),
        [(typeof(Collaboration), nameof(Collaboration.Area))] = s => s.OneOf(Vocabulary.Areas),
        [(typeof(Collaboration), nameof(Collaboration.Status))] = s => s.OneOf(Vocabulary.Statuses),
        [(typeof(Collaboration), nameof(Collaboration.UpdateCount))] = s => s.Describe("How many updates it has.", "Hur många uppdateringar den har."),
        [(typeof(Collaboration), nameof(Collaboration.Form))] = s => s.OneOf(Collaboration.Forms),
        [(typeof(Collaboration), nameof(Collaboration.Owner))] = s => s.Describe("The owning organisation: it alone (or the admin) hands over or changes public.", "Den ägande organisationen: bara den (eller administratören) lämnar över eller ändrar public."),
        [(typeof(CollaborationSummary), nameof(CollaborationSummary.Area))] = s => s.OneOf(Vocabulary.Areas),
        [(typeof(CollaborationSummary), nameof(CollaborationSummary.Status))] = s => s.OneOf(Vocabulary.Statuses),
        [(typeof(CollaborationSummary), nameof(CollaborationSummary.Form))] = s => s.OneOf(Collaboration.Forms),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Form))] = s => s.OneOf(Collaboration.Forms),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Status))] = s => s.OneOf(Vocabulary.Statuses),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Area))] = s => s.OneOf(Vocabulary.Areas),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Name))] = s => s.Max(CollaborationChangeValidator.MaxName),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Description))] = s => s.Max(CollaborationChangeValidator.MaxDescription),
        [(typeof(CollaborationChange), nameof(CollaborationChange.Owner))] = s => s.Describe("Hands the collaboration over to another member (the owner's source or the admin); the admin names it on creation.", "Lämnar över samverkan till en annan medlem (ägarens källsystem eller administratören); administratören anger den vid skapande."),
        [(typeof(IssuedCredential), nameof(IssuedCredential.PreviousSecretValidUntil))] = s => s.Describe("previousValidUntil, under the earlier name (kept until v2).", "previousValidUntil, under det tidigare namnet (kvar till v2)."),
        [(typeof(IngestAnswer), nameof(IngestAnswer.Duplicate))] = s => s.Describe("True when the idempotency key was seen before: the id is the first update's.", "Sant när idempotensnyckeln setts förut: id är den första uppdateringens."),
        [(typeof(ProblemBody), nameof(ProblemBody.Instance))] = s => s.Describe("The path that answered (never its query).", "Sökvägen som svarade (aldrig dess frågedel)."),
        [(typeof(SourceRegistration), nameof(SourceRegistration.Organisation))] = s => s.Describe("The owner: kommunkod, municipality name or organisationsnummer.", "Ägaren: kommunkod, kommunnamn eller organisationsnummer."),
        [(typeof(SourceRegistration), nameof(SourceRegistration.Format))] = s => s.OneOf([Source.CanonicalFormat, Source.ProfileFormat]).Default(Source.CanonicalFormat),
        [(typeof(SourceRegistration), nameof(SourceRegistration.Profile))] = s => s.Describe("Required when format is profile: a MappingProfile.", "Krävs när format är profile: en MappingProfile."),
        [(typeof(SourceRegistration), nameof(SourceRegistration.QueueIngest))] = s => s.Describe("Whether the source may also post through the inbound storage queue.", "Om källsystemet även får skicka via den inkommande lagringskön.").Default(false),
        [(typeof(SourceRegistrationResult), nameof(SourceRegistrationResult.Format))] = s => s.OneOf([Source.CanonicalFormat, Source.ProfileFormat]),
        [(typeof(SourceRegistrationResult), nameof(SourceRegistrationResult.Secret))] = s => s.Describe("The whsec_ webhook secret: only in the first answer.", "Webhook-hemligheten whsec_: bara i det första svaret."),
        [(typeof(SourceRegistrationResult), nameof(SourceRegistrationResult.Key))] = s => s.Describe("The source's Bearer key: only in the first answer.", "Källsystemets Bearer-nyckel: bara i det första svaret."),
        [(typeof(MappingProfile), nameof(MappingProfile.Fields))] = s => s.Describe("Canonical field name to a JSON Pointer (RFC 6901) into the source's JSON.", "Kanoniskt fältnamn till en JSON Pointer (RFC 6901) i källsystemets JSON."),
        [(typeof(MappingProfile), nameof(MappingProfile.Values))] = s => s.Describe("Per mappable field, the source's words to the hub's.", "Per fält, källsystemets ord till navets."),
        [(typeof(MappingProfile), nameof(MappingProfile.Defaults))] = s => s.Describe("Values for fields the source's JSON does not have.", "Värden för fält som källsystemets JSON saknar."),
        [(typeof(Rejection), nameof(Rejection.Channel))] = s => s.Describe("How it came: http or queue.", "Hur det kom: http eller queue (kö)."),
        [(typeof(Rejection), nameof(Rejection.State))] = s => s.Describe("open, or resolved once a retry stored it (updateId).", "open (öppen), eller resolved (löst) när ett nytt försök lagrade den (updateId)."),
        [(typeof(Rejection), nameof(Rejection.Body))] = s => s.Describe("The raw body as received (cut at the storage limit: bodyTruncated).", "Den råa kroppen som den togs emot (kapad vid lagringsgränsen: bodyTruncated)."),
        [(typeof(PartnerRegistration), nameof(PartnerRegistration.Organisation))] = s => s.Describe("The partner's organisation: kommunkod, municipality name or organisationsnummer.", "Mottagarens organisation: kommunkod, kommunnamn eller organisationsnummer."),
        [(typeof(PartnerRegistration), nameof(PartnerRegistration.IncludeOwn))] = s => s.Describe("Also receive the organisation's own updates.", "Ta även emot organisationens egna uppdateringar.").Default(false),
        [(typeof(PartnerView), nameof(PartnerView.Secret))] = s => s.Describe("The whsec_ secret webhooks are signed with: only in the first answer.", "Hemligheten whsec_ som webhooks signeras med: bara i det första svaret."),
        [(typeof(PartnerView), nameof(PartnerView.WebhookSecret))] = s => s.Describe("secret, under its earlier name (kept until v2).", "secret, under sitt tidigare namn (kvar till v2)."),
        [(typeof(PartnerView), nameof(PartnerView.Key))] = s => s.Describe("The partner's key (its digest on the web): only in the first answer.", "Mottagarens nyckel (dess sammanställning på webben): bara i det första svaret."),
        [(typeof(PartnerView), nameof(PartnerView.DisabledWebhooks))] = s => s.Describe("Webhook URLs disabled after they answered 410 Gone.", "Webhook-adresser som stängts av efter svaret 410 Gone."),
        [(typeof(PartnerChannel), nameof(PartnerChannel.Type))] = s => s.OneOf([PartnerChannel.ServiceBus, PartnerChannel.Queue, PartnerChannel.Webhook]),
        [(typeof(PartnerChannel), nameof(PartnerChannel.Url))] = s => s.Describe("For a webhook: its https URL.", "För en webhook: dess https-adress."),
        [(typeof(DigestSettings), nameof(DigestSettings.Recipients))] = s => s.Describe("E-mail addresses, each an RFC 5322 mailbox (a display name may come with it: Åsa Öberg <asa.oberg@haninge.se>).", "E-postadresser, var och en en RFC 5322-adress (ett namn får följa med: Åsa Öberg <asa.oberg@haninge.se>)."),
        [(typeof(DigestSettings), nameof(DigestSettings.Language))] = s => s.OneOf(["sv", "en"]),
        [(typeof(DeliveryAttempt), nameof(DeliveryAttempt.Status))] = s => s.Describe(
            $"{DeliveryLog.Delivered}, queued (handed to the webhook queue), {DeliveryLog.Failed}, {DeliveryLog.Retrying} or {DeliveryLog.DeadLettered}.",
            "Levererad, köad (lämnad till webhook-kön), misslyckad, nytt försök väntar eller död."),
        [(typeof(DeliveryAttempt), nameof(DeliveryAttempt.StatusCode))] = s => s.Describe("The webhook's HTTP status, when it answered.", "Webhookens HTTP-status, när den svarade."),
        [(typeof(DigestRunView), nameof(DigestRunView.Month))] = s => s.Describe("The month, yyyy-MM.", "Månaden, åååå-MM.").Pattern(MonthPattern),
        [(typeof(DigestRunView), nameof(DigestRunView.Run))] = s => s.Describe("The run's id (newest sorts first).", "Körningens id (den nyaste sorteras först)."),
        [(typeof(DigestRunView), nameof(DigestRunView.By))] = s => s.OneOf(["timer", "admin"]),
        [(typeof(DigestRunView), nameof(DigestRunView.State))] = s => s.Describe(
            "queued (not started), composing (the month's shared index), sending (partners' jobs queued), done (every partner's job done), failed (composing failed every attempt).",
            "queued (inte påbörjad), composing (månadens gemensamma index), sending (mottagarnas jobb köade), done (varje mottagares jobb klart), failed (sammanställningen misslyckades varje försök).")
            .OneOf([DigestRun.Queued, DigestRun.Composing, DigestRun.Sending, DigestRun.Done, DigestRun.Failed]),
        [(typeof(DigestRunView), nameof(DigestRunView.Cutoff))] = s => s.Describe(
            "The month's cutoff: set when its digest was first composed; updates of the month stored after it are reported late in a later month.",
            "Månadens brytpunkt: satt när dess sammanställning först gjordes; månadens uppdateringar som lagras senare rapporteras i efterhand en senare månad."),
        [(typeof(DigestRunView), nameof(DigestRunView.Updates))] = s => s.Describe("Updates that occurred in the month (known once composed).", "Uppdateringar som hände under månaden (känt när den är sammanställd)."),
        [(typeof(DigestRunView), nameof(DigestRunView.Late))] = s => s.Describe("Updates of earlier months reported late in this one.", "Uppdateringar från tidigare månader som rapporterats i efterhand i denna."),
        [(typeof(DigestRunView), nameof(DigestRunView.Partners))] = s => s.Describe("Partners with digest recipients (known once composed).", "Mottagare med adresser (känt när månaden är sammanställd)."),
        [(typeof(DigestRunView), nameof(DigestRunView.Queued))] = s => s.Describe("Partners whose job has not finished.", "Mottagare vars jobb inte är klart."),
        [(typeof(DigestRunView), nameof(DigestRunView.Digests))] = s => s.Describe("Partners whose month had something for them.", "Mottagare vars månad hade något för dem."),
        [(typeof(DigestRunView), nameof(DigestRunView.Failed))] = s => s.Describe("E-mails the server refused or could not take (tried again within the run).", "Mejl som servern vägrade eller inte kunde ta emot (försöks igen inom körningen)."),
        [(typeof(DigestRunView), nameof(DigestRunView.Uncertain))] = s => s.Describe("E-mails that may or may not have left; never sent again.", "Mejl som kanske har skickats; skickas aldrig igen."),
        [(typeof(DigestRunView), nameof(DigestRunView.PartnersFailed))] = s => s.Describe("Partners whose job failed every attempt.", "Mottagare vars jobb misslyckades varje försök."),
        [(typeof(ApiInfo), nameof(ApiInfo.ApiDocumentation))] = s => s.Describe("Where this document is served.", "Var detta dokument finns."),
    };

    public const string SlugPattern = "^[a-z0-9-]{3,64}$";

    public const string MonthPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$";

    /// <summary>Applies the note about <paramref name="member"/>, if any, to its schema.</summary>
    public static void ApplyToProperty(MemberInfo member, JsonObject schema)
    {
        if (member.DeclaringType is { } type && Properties.TryGetValue((type, member.Name), out var apply))
        {
            apply(schema);
        }
    }

    /// <summary>Every member a note names, for the check that each is a property of its record.</summary>
    public static IEnumerable<(Type Type, string Member)> NotedMembers =>
        Properties.Keys.Concat(ReadAs.Keys).Concat(RequiredInRequests.SelectMany(r => r.Value.Select(m => (r.Key, m))));

    private static JsonObject Describe(this JsonObject schema, string en, string sv)
    {
        schema["description"] = new Bilingual(en, sv).Short;
        return schema;
    }

    private static JsonObject OneOf(this JsonObject schema, IEnumerable<string> values)
    {
        schema["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        return schema;
    }

    private static JsonObject Default(this JsonObject schema, JsonNode value)
    {
        schema["default"] = value;
        return schema;
    }

    private static JsonObject Pattern(this JsonObject schema, string pattern)
    {
        schema["pattern"] = pattern;
        return schema;
    }

    private static JsonObject Slug(this JsonObject schema) => schema.Pattern(SlugPattern);

    private static JsonObject Min(this JsonObject schema, int length)
    {
        schema["minLength"] = length;
        return schema;
    }

    private static JsonObject Max(this JsonObject schema, int length)
    {
        schema["maxLength"] = length;
        return schema;
    }

    private static JsonObject WithoutFormat(this JsonObject schema)
    {
        schema.Remove("format");
        return schema;
    }
}

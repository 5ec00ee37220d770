using System.Globalization;
using System.Text;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.OpenApi;
using Mellanrum.Hub.Functions.Pages;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Pages.Portal;
using Mellanrum.Hub.Pages.Shell;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using NodaTime.Text;

namespace Mellanrum.Hub.Functions.Portal;

/// <summary>
/// The partner page at <c>/portal/…</c>: server-rendered HTML, Swedish first (<c>?lang=en</c> for English), plain forms
/// (POST, then a redirect or the result), no script. A sign-in link starts a session scoped to one partner alone: every
/// page and form reads the partner from the session, never from the request, and every form carries the session's CSRF
/// token. Every act is in the audit log with the session as its actor (<c>portal:{session id}</c>).
/// </summary>
public sealed class PortalFunctions(
    PortalLinks links,
    PortalSessions sessions,
    PartnerStore partners,
    PartnerAdministration administration,
    PartnerActivity activity,
    ReplayService replay,
    FanoutService fanout,
    DeliveryLog log,
    WebhookTargetValidator webhookTargets,
    FilterPreview filterPreview,
    DigestViewer digests,
    PortalLinkRequests linkRequests,
    OrganisationRegistry organisations,
    AuditLog audit,
    TimeProvider time,
    IOptions<PortalOptions> options,
    ILogger<PortalFunctions> logger)
{
    /// <summary>The session cookie: only a random value, its hash names the session on the server.</summary>
    public const string SessionCookie = "mellanrum-portal";

    /// <summary>The sign-in form's CSRF cookie (double submit: the form carries the same value), until a session exists.</summary>
    public const string SignInCookie = "mellanrum-portal-signin";

    private const int MaxFormBytes = 16 * 1024;

    /// <summary>The event catalogue's example (the contract's sample update as a CloudEvent) and the update's schema, from the OpenAPI document.</summary>
    private static readonly Lazy<(string Example, string Schema)> Catalogue = new(() =>
    {
        var indented = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var example = System.Text.Json.Nodes.JsonNode.Parse(OutboundEvent.From(ApiSamples.Update, 42).Body.Span)!.ToJsonString(indented);
        var schema = OpenApiDocument.Build()["components"]?["schemas"]?["NormalisedUpdate"]?.ToJsonString(indented) ?? "{}";
        return (example, schema);
    });

    private static readonly Problem NoSuchPage = Problem.NotFound("The partner page has no such page.");

    private static readonly Text NotSignedIn = new("Du är inte inloggad, eller så har sessionen gått ut (den gäller i 8 timmar). Be navets operatör om en ny inloggningslänk.", "You are not signed in, or the session has ended (it lasts 8 hours). Ask the hub's operator for a new sign-in link.");

    /// <summary>
    /// <c>GET /portal/{page?}</c>: the overview (no page), <c>leveranser</c>, <c>omspelning</c>, <c>installningar</c>,
    /// <c>filter</c> (with a preview of last month), <c>manadsbrev</c> (the digest's recipients, language and last month's
    /// e-mail), <c>handelser</c> (the event catalogue), and <c>logga-in?token=</c> (the page a sign-in link opens, whose
    /// button uses it). Without a session: 401 and a page saying how to sign in, with a form asking for a new link by
    /// e-mail; an unknown page: a 404 problem, as for any address the hub does not serve.
    /// </summary>
    [Function(nameof(GetPortalPage))]
    public async Task<IResult> GetPortalPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/{page?}")] HttpRequest request,
        string? page,
        CancellationToken cancellationToken)
    {
        var language = PageLanguage.Of(request);
        var path = request.Path.Value + request.QueryString.Value;
        if (page == "logga-in")
        {
            var csrf = PortalSessions.RandomToken();
            SetCookie(request, SignInCookie, csrf, TimeSpan.FromHours(1));
            var token = request.Query["token"].ToString();
            return PageResult.Of<PortalSignIn>(new { Token = token.Length is > 0 and < 200 ? token : null, Csrf = csrf, Language = language, Path = path });
        }

        if (page is not (null or "leveranser" or "omspelning" or "installningar" or "filter" or "manadsbrev" or "handelser"))
        {
            // As any address the hub does not serve: a 404 problem.
            return HubResults.Problem(NoSuchPage);
        }

        if (await SessionAsync(request, cancellationToken) is not { } session || await partners.GetAsync(session.PartnerId, cancellationToken) is not { } partner)
        {
            return SignedOut(request, language, path, PortalSignedOut.RequestState.NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        return page switch
        {
            "filter" => await FiltersPageAsync(partner, session, language, path, partner.Filters, saved: request.Query["sparad"] == "1", cancellationToken: cancellationToken),
            "manadsbrev" => await DigestPageAsync(partner, session, language, path, partner.Digest ?? new DigestSettings([]), saved: request.Query["sparad"] == "1", cancellationToken: cancellationToken),
            "leveranser" => await DeliveriesAsync(request, session, language, path, cancellationToken),
            "omspelning" => PageResult.Of<PortalReplay>(Common(session, language, path)),
            "installningar" => Settings(partner, session, language, path, saved: request.Query["sparad"] == "1"),
            "handelser" => PageResult.Of<PortalCatalogue>(new { Example = Catalogue.Value.Example, Schema = Catalogue.Value.Schema, SampleConsumerUrl = options.Value.SampleConsumerUrl, PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path }),
            _ => PageResult.Of<PortalOverview>(new { Health = await activity.HealthAsync(partner, cancellationToken), PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path }),
        };
    }

    /// <summary>
    /// <c>POST /portal/{action}</c> (a form): <c>logga-in</c> (the link's token: a session, then to the overview),
    /// <c>logga-ut</c>, <c>omspelning</c> (one update or a time range again), <c>test</c> (a test event to a channel),
    /// <c>webbhook</c> (a new address, checked by the SSRF rules), <c>hemlighet</c> (a new signing secret, shown once),
    /// <c>filter</c> and <c>manadsbrev</c> (<c>do=preview</c> shows last month with what was sent, <c>do=save</c> saves it,
    /// checked as the operator's PUT checks it), and <c>ny-lank</c> (no session: a new sign-in link mailed to the address
    /// if it is a partner's digest recipient; the same answer either way; limited per address and overall: 429).
    /// Without the CSRF token: 403 and a page saying so. A body that is not a form: 415 (a problem, as for an unknown action: 404).
    /// </summary>
    [Function(nameof(PostPortalForm))]
    public async Task<IResult> PostPortalForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "portal/{action}")] HttpRequest request,
        string action,
        CancellationToken cancellationToken)
    {
        var language = PageLanguage.Of(request);
        var path = request.Path.Value + request.QueryString.Value;
        if (action is not ("logga-in" or "logga-ut" or "omspelning" or "test" or "webbhook" or "hemlighet" or "filter" or "manadsbrev" or "ny-lank"))
        {
            return HubResults.Problem(NoSuchPage);
        }

        // A browser's form is always application/x-www-form-urlencoded: anything else is no form of these pages (a problem).
        var (form, refused) = await FormAsync(request, cancellationToken);
        if (form is null)
        {
            return HubResults.Problem(refused!);
        }

        if (!IsSameOrigin(request))
        {
            return CsrfRefused(language, path);
        }

        if (action == "logga-in")
        {
            return await SignInAsync(request, form, language, path, cancellationToken);
        }

        if (action == "ny-lank")
        {
            return RequestLink(request, form, language);
        }

        if (await SessionAsync(request, cancellationToken) is not { } session)
        {
            return Message(language, path, new("Logga in", "Sign in"), NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        if (!session.IsCsrfToken(form.GetValueOrDefault("csrf")))
        {
            return CsrfRefused(language, path);
        }

        if (action == "logga-ut")
        {
            await sessions.EndAsync(session, cancellationToken);
            request.HttpContext.Response.Cookies.Delete(SessionCookie, CookieOptions(request, TimeSpan.Zero));
            await audit.RecordAsync(session.Caller, "portal.signed-out", session.PartnerId, cancellationToken: cancellationToken);
            return Message(language, "/portal", new("Du är utloggad", "You are signed out"), new("Sessionen är avslutad. En ny inloggning kräver en ny länk.", "The session has ended. Signing in again takes a new link."), StatusCodes.Status200OK, isError: false);
        }

        if (await partners.GetAsync(session.PartnerId, cancellationToken) is not { } partner)
        {
            return Message(language, path, new("Logga in", "Sign in"), NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        return action switch
        {
            "omspelning" => await ReplayAsync(partner, session, form, language, cancellationToken),
            "test" => await TestAsync(partner, session, form, language, cancellationToken),
            "webbhook" => await WebhookAsync(request, partner, session, form, language, cancellationToken),
            "filter" => await FiltersAsync(partner, session, form, language, cancellationToken),
            "manadsbrev" => await DigestAsync(partner, session, form, language, cancellationToken),
            _ => await RotateAsync(partner, session, language, cancellationToken),
        };
    }

    private async Task<IResult> SignInAsync(HttpRequest request, Dictionary<string, string> form, PageLanguage language, string path, CancellationToken cancellationToken)
    {
        if (!IsSignInCsrf(request, form))
        {
            return CsrfRefused(language, path);
        }

        var redemption = await links.RedeemAsync(form.GetValueOrDefault("token"), cancellationToken);
        if (redemption.PartnerId is not { } partnerId)
        {
            logger.LogInformation("A partner page sign-in was refused ({Refusal})", redemption.Refusal);
            Text reason = redemption.Refusal switch
            {
                PortalLinkRefusal.Used => new("Länken har redan använts. Varje länk fungerar en gång.", "The link has been used already. Each link works once."),
                PortalLinkRefusal.Expired => new("Länken har gått ut. En länk gäller i 24 timmar.", "The link has expired. A link is valid for 24 hours."),
                PortalLinkRefusal.Revoked => new("Länken har återkallats.", "The link has been revoked."),
                _ => new("Länken är inte giltig.", "The link is not valid."),
            };
            return Message(language, path, new("Inloggningen nekades", "Sign-in refused"), new(reason.Sv + " Be navets operatör om en ny.", reason.En + " Ask the hub's operator for a new one."), StatusCodes.Status403Forbidden);
        }

        var (cookie, session) = await sessions.StartAsync(partnerId, cancellationToken);
        SetCookie(request, SessionCookie, cookie, session.ExpiresAt - time.GetUtcNow());
        request.HttpContext.Response.Cookies.Delete(SignInCookie, CookieOptions(request, TimeSpan.Zero));
        await audit.RecordAsync(session.Caller, "portal.signed-in", partnerId, redemption.LinkId, cancellationToken);
        return new SeeOther(language.Link("/portal"));
    }

    private async Task<IResult> DeliveriesAsync(HttpRequest request, PortalSession session, PageLanguage language, string path, CancellationToken cancellationToken)
    {
        string? Value(string name) => request.Query[name].ToString() is { Length: > 0 and <= 100 } v ? v : null;
        Text? error = null;
        DateTimeOffset? Date(string name, bool endOfDay)
        {
            if (Value(name) is not { } text)
            {
                return null;
            }

            if (LocalDatePattern.Iso.Parse(text) is { Success: true } parsed)
            {
                var day = endOfDay ? parsed.Value.PlusDays(1) : parsed.Value;
                return Stockholm.ToUtc(day.AtMidnight());
            }

            error = new("Ett datum ska skrivas åååå-mm-dd; det visas försök utan det.", "A date is written yyyy-mm-dd; attempts are shown without it.");
            return null;
        }

        var channel = Value("kanal") is { } c && c is "webhook" or "queue" or "servicebus" ? c : null;
        var status = Value("utfall") is { } s && s is "delivered" or "retrying" or "failed" or "dead-lettered" ? s : null;
        var limit = int.TryParse(Value("antal"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 100 ? count : 25;
        var filter = new DeliveryFilter(channel, status, Value("uppdatering"), Date("fran", false), Date("till", true), Value("cursor"), limit);
        var attempts = await activity.AttemptsAsync(session.PartnerId, filter, cancellationToken);
        var deadLetters = await activity.DeadLettersAsync(session.PartnerId, cancellationToken);
        string? next = null;
        if (attempts.NextCursor is { } cursor)
        {
            var query = QueryString.Create(request.Query.Where(q => q.Key != "cursor").Select(q => KeyValuePair.Create(q.Key, q.Value)).Append(KeyValuePair.Create("cursor", new StringValues(cursor))));
            next = "/portal/leveranser" + query.Value;
        }

        return PageResult.Of<PortalDeliveries>(new
        {
            DeadLetters = deadLetters,
            Attempts = attempts,
            Filter = filter,
            FilterError = error,
            NextLink = next,
            PartnerId = session.PartnerId,
            Csrf = session.CsrfToken,
            Language = language,
            Path = path,
        });
    }

    private async Task<IResult> ReplayAsync(Partner partner, PortalSession session, Dictionary<string, string> form, PageLanguage language, CancellationToken cancellationToken)
    {
        var path = "/portal/omspelning";
        if (form.GetValueOrDefault("update") is { Length: > 0 } updateId)
        {
            updateId = updateId.Trim();
            var one = await replay.ReplayOneAsync(partner, updateId, cancellationToken);
            if (one is null)
            {
                return PageResult.Of<PortalReplay>(new { Error = (Text?)new Text("Ingen sådan uppdatering i era leveranser: bara det som gått till er kan skickas igen.", "No such update in your deliveries: only what was routed to you can be sent again."), PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path }, StatusCodes.Status404NotFound);
            }

            await audit.RecordAsync(session.Caller, "partner.deliveries.replayed", partner.Id, $"update {updateId}", cancellationToken);
            return PageResult.Of<PortalReplay>(new { Result = one, PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path });
        }

        var from = LocalTime(form.GetValueOrDefault("from"));
        var to = LocalTime(form.GetValueOrDefault("to"));
        if (from is null || to is null || to <= from)
        {
            return PageResult.Of<PortalReplay>(new { Error = (Text?)new Text("Ange en uppdatering, eller både Från och Till, med Till efter Från.", "Give an update, or both From and To, with To after From."), PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path }, StatusCodes.Status400BadRequest);
        }

        var result = await replay.ReplayAsync(partner, from.Value, to.Value, cancellationToken);
        await audit.RecordAsync(session.Caller, "partner.deliveries.replayed", partner.Id, $"{result.Updates} update(s) from {from:O} to {to:O}", cancellationToken);
        return PageResult.Of<PortalReplay>(new { Result = result, PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path });
    }

    private async Task<IResult> TestAsync(Partner partner, PortalSession session, Dictionary<string, string> form, PageLanguage language, CancellationToken cancellationToken)
    {
        var path = "/portal";
        if (!int.TryParse(form.GetValueOrDefault("channel"), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= partner.Channels.Count)
        {
            return Message(language, path, new("Ingen sådan kanal", "No such channel"), new("Välj en av era kanaler på översikten.", "Choose one of your channels on the overview."), StatusCodes.Status400BadRequest, "/portal", new("Till översikten", "To the overview"));
        }

        var now = time.GetUtcNow();
        var testEvent = OutboundEvent.Test(Ids.NewId(), partner.Id, now);
        var attempt = await fanout.DeliverAsync(partner, partner.Channels[index], [testEvent], 1, cancellationToken);
        if (attempt.Status != FanoutService.Queued)
        {
            await log.RecordAsync([attempt], cancellationToken);
        }

        await audit.RecordAsync(session.Caller, "partner.test-event.sent", partner.Id, $"{testEvent.UpdateId} to {partner.Channels[index].Type}", cancellationToken);
        return PageResult.Of<PortalOverview>(new { Health = await activity.HealthAsync(partner, cancellationToken), TestAttempt = attempt, PartnerId = partner.Id, Csrf = session.CsrfToken, Language = language, Path = path });
    }

    private async Task<IResult> WebhookAsync(HttpRequest request, Partner partner, PortalSession session, Dictionary<string, string> form, PageLanguage language, CancellationToken cancellationToken)
    {
        var webhooks = partner.Channels.Where(c => c.Type == PartnerChannel.Webhook).ToArray();
        if (!int.TryParse(form.GetValueOrDefault("index"), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= webhooks.Length)
        {
            return Message(language, "/portal/installningar", new("Ingen sådan webhook", "No such webhook"), new("Ändra en av era webhooks på sidan Webhook och hemlighet.", "Change one of your webhooks on the page Webhook and secret."), StatusCodes.Status400BadRequest, "/portal/installningar", new("Till sidan", "To the page"));
        }

        var url = form.GetValueOrDefault("url")?.Trim();
        if (webhookTargets.CheckUrl(url) is { IsAllowed: false } refused)
        {
            return Settings(partner, session, language, "/portal/installningar", errorIndex: index, attempted: url, urlError: refused.Reason ?? "not an allowed webhook target", status: StatusCodes.Status422UnprocessableEntity);
        }

        var old = webhooks[index].Url;
        await partners.UpdateAsync(
            partner.Id,
            p =>
            {
                // Counted afresh on each try: the store may run the change again after a concurrent write.
                var seen = 0;
                return p with
                {
                    Channels = p.Channels.Select(c => c.Type == PartnerChannel.Webhook && seen++ == index ? c with { Url = url } : c).ToArray(),
                    DisabledWebhooks = (p.DisabledWebhooks ?? []).Where(d => d != url).ToArray(),
                };
            },
            cancellationToken);
        await audit.RecordAsync(session.Caller, "partner.webhook.changed", partner.Id, $"webhook {index}: {Echo.Of(old ?? string.Empty)} to {Echo.Of(url!)}", cancellationToken);
        return new SeeOther(language.Link("/portal/installningar?sparad=1"));
    }

    private async Task<IResult> RotateAsync(Partner partner, PortalSession session, PageLanguage language, CancellationToken cancellationToken)
    {
        var outcome = await administration.RotateSecretAsync(partner.Id, cancellationToken);
        if (outcome is not AdminOutcome<IssuedCredential>.Created { Value: var issued } || await partners.GetAsync(partner.Id, cancellationToken) is not { } rotated)
        {
            return Message(language, "/portal/installningar", new("Logga in", "Sign in"), NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        await audit.RecordAsync(session.Caller, "partner.secret.rotated", partner.Id, issued.CredentialId, cancellationToken);
        return Settings(rotated, session, language, "/portal/installningar", newSecret: issued);
    }

    private IResult RequestLink(HttpRequest request, FormFields form, PageLanguage language)
    {
        const string path = "/portal";
        if (!IsSignInCsrf(request, form))
        {
            return CsrfRefused(language, path);
        }

        var email = form.GetValueOrDefault("email")?.Trim() ?? string.Empty;
        if (email.Length is 0 or > 254 || !DigestMessage.TryParseMailbox(email, out var address))
        {
            return SignedOut(request, language, path, PortalSignedOut.RequestState.NotSignedIn, StatusCodes.Status422UnprocessableEntity, email.Length > 254 ? null : email, new Text("E-postadressen: skriv en adress som namn@kommun.se.", "E-mail address: write an address such as name@kommun.se."));
        }

        // The same answer whether the address is known or not; the lookup and the mail follow it (and the audit log's entry, as portal:anonymous).
        return linkRequests.Request(address) == LinkRequestAnswer.Limited
            ? SignedOut(request, language, path, PortalSignedOut.RequestState.Limited, StatusCodes.Status429TooManyRequests)
            : SignedOut(request, language, path, PortalSignedOut.RequestState.Sent, StatusCodes.Status200OK);
    }

    private async Task<IResult> FiltersAsync(Partner partner, PortalSession session, FormFields form, PageLanguage language, CancellationToken cancellationToken)
    {
        const string path = "/portal/filter";
        static IReadOnlyList<string>? Values(IEnumerable<string> values) =>
            values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray() is { Length: > 0 } list ? list : null;
        static IEnumerable<string> Lines(string? text) => (text ?? string.Empty).Split(['\r', '\n', ',', ';']);

        var organisationsInput = form.GetValueOrDefault("organisations") ?? string.Empty;
        var collaborationsInput = form.GetValueOrDefault("collaborations") ?? string.Empty;
        var sent = new PartnerFilters(Values(form.All("area")), Values(form.All("kind")), Values(Lines(organisationsInput)), Values(form.All("county")), Values(Lines(collaborationsInput)));
        var errors = new List<InvalidParameter>();
        var filters = administration.CheckFilters(sent, errors);
        if (errors.Count > 0)
        {
            return await FiltersPageAsync(partner, session, language, path, sent, errors: errors, organisationsInput: organisationsInput, collaborationsInput: collaborationsInput, status: StatusCodes.Status422UnprocessableEntity, cancellationToken: cancellationToken);
        }

        if (form.GetValueOrDefault("do") != "save")
        {
            return await FiltersPageAsync(partner, session, language, path, filters, isDraft: true, cancellationToken: cancellationToken);
        }

        if (await administration.SetFiltersAsync(partner.Id, sent, cancellationToken) is not AdminOutcome<PartnerView>.Updated)
        {
            return Message(language, path, new("Logga in", "Sign in"), NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        await audit.RecordAsync(session.Caller, "partner.filters.changed", partner.Id, System.Text.Json.JsonSerializer.Serialize(filters, HubJson.Options), cancellationToken);
        return new SeeOther(language.Link("/portal/filter?sparad=1"));
    }

    private async Task<IResult> DigestAsync(Partner partner, PortalSession session, FormFields form, PageLanguage language, CancellationToken cancellationToken)
    {
        const string path = "/portal/manadsbrev";
        var input = form.GetValueOrDefault("recipients") ?? string.Empty;

        // Each recipient with its line in the field, so that a refusal can name the line.
        var lines = input.Split('\n').Select((line, i) => (Line: i + 1, Value: line.Trim())).Where(l => l.Value.Length > 0).ToArray();
        var settings = new DigestSettings(lines.Select(l => l.Value).ToArray(), form.GetValueOrDefault("language") ?? "sv");
        var errors = new List<InvalidParameter>();
        var checkedSettings = PartnerAdministration.CheckDigest(settings, errors);
        var refusals = new List<Text>();
        foreach (var error in errors)
        {
            if (error.Property.StartsWith("digest.recipients[", StringComparison.Ordinal)
                && int.TryParse(error.Property["digest.recipients[".Length..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < lines.Length)
            {
                var (line, value) = lines[index];
                var shown = value.Length > 80 ? value[..80] + "…" : value;
                refusals.Add(new($"Mottagare, rad {line}: ”{shown}” är ingen e-postadress.", $"Recipients, line {line}: “{shown}” is not an e-mail address."));
            }
            else
            {
                refusals.Add(new("Språk: välj svenska eller engelska.", "Language: choose Swedish or English."));
            }
        }

        if (lines.Length > PortalDigest.MaxRecipients)
        {
            refusals.Add(new($"Mottagare: högst {PortalDigest.MaxRecipients} adresser (fältet har {lines.Length}).", $"Recipients: at most {PortalDigest.MaxRecipients} addresses (the field has {lines.Length})."));
        }

        if (refusals.Count > 0)
        {
            var recipientsInvalid = lines.Length > PortalDigest.MaxRecipients || errors.Any(e => e.Property.StartsWith("digest.recipients", StringComparison.Ordinal));
            return await DigestPageAsync(partner, session, language, path, settings with { Language = settings.Language is "en" ? "en" : "sv" }, errors: refusals, recipientsInvalid: recipientsInvalid, recipientsInput: input, status: StatusCodes.Status422UnprocessableEntity, cancellationToken: cancellationToken);
        }

        if (form.GetValueOrDefault("do") != "save")
        {
            return await DigestPageAsync(partner, session, language, path, checkedSettings, isDraft: true, recipientsInput: input, cancellationToken: cancellationToken);
        }

        if (await administration.SetDigestAsync(partner.Id, checkedSettings, cancellationToken) is not AdminOutcome<PartnerView>.Updated)
        {
            return Message(language, path, new("Logga in", "Sign in"), NotSignedIn, StatusCodes.Status401Unauthorized);
        }

        // How many recipients, never who: the audit log holds no e-mail address.
        await audit.RecordAsync(session.Caller, "partner.digest.changed", partner.Id, $"{checkedSettings.Recipients.Count} recipient(s), language {checkedSettings.Language}", cancellationToken);
        return new SeeOther(language.Link("/portal/manadsbrev?sparad=1"));
    }

    private async Task<IResult> FiltersPageAsync(
        Partner partner,
        PortalSession session,
        PageLanguage language,
        string path,
        PartnerFilters filters,
        bool saved = false,
        bool isDraft = false,
        IReadOnlyList<InvalidParameter>? errors = null,
        string? organisationsInput = null,
        string? collaborationsInput = null,
        int status = StatusCodes.Status200OK,
        CancellationToken cancellationToken = default)
    {
        // A refused set is not previewed: the preview is then of the saved filters.
        var refused = errors is { Count: > 0 };
        var preview = await filterPreview.PreviewAsync(partner, refused ? partner.Filters : filters, cancellationToken);
        return PageResult.Of<PortalFilters>(
            new
            {
                Filters = filters,
                OrganisationsInput = organisationsInput,
                CollaborationsInput = collaborationsInput,
                Counties = (IReadOnlyList<County>)organisations.Counties.OrderBy(c => c.Code, StringComparer.Ordinal).ToArray(),
                Errors = errors ?? Array.Empty<InvalidParameter>(),
                Preview = preview,
                IsDraft = isDraft && !refused,
                Saved = saved,
                PartnerId = partner.Id,
                Csrf = session.CsrfToken,
                Language = language,
                Path = path,
            },
            status);
    }

    private async Task<IResult> DigestPageAsync(
        Partner partner,
        PortalSession session,
        PageLanguage language,
        string path,
        DigestSettings settings,
        bool saved = false,
        bool isDraft = false,
        IReadOnlyList<Text>? errors = null,
        bool recipientsInvalid = false,
        string? recipientsInput = null,
        int status = StatusCodes.Status200OK,
        CancellationToken cancellationToken = default)
    {
        // Last month's e-mail as the digest viewer renders it (GET /api/v1/partners/{id}/digests/{month}): of the settings sent when they are valid, else of the saved ones.
        var refused = errors is { Count: > 0 };
        var month = filterPreview.LastMonth;
        var preview = await digests.RenderAsync(refused ? partner : partner with { Digest = settings }, month, cancellationToken);
        return PageResult.Of<PortalDigest>(
            new
            {
                Recipients = recipientsInput ?? string.Join('\n', settings.Recipients),
                DigestLanguage = settings.Language,
                Errors = errors ?? Array.Empty<Text>(),
                RecipientsInvalid = recipientsInvalid,
                Preview = preview,
                MonthName = month.NameIn(language.Code),
                IsDraft = isDraft && !refused,
                Saved = saved,
                PartnerId = partner.Id,
                Csrf = session.CsrfToken,
                Language = language,
                Path = path,
            },
            status);
    }

    /// <summary>The partner page without a session (401), or the answer to a link request: the sign-in CSRF cookie kept or set, for the request form.</summary>
    private static IResult SignedOut(HttpRequest request, PageLanguage language, string path, PortalSignedOut.RequestState state, int status, string? email = null, Text? emailError = null)
    {
        var csrf = request.Cookies[SignInCookie] is { Length: 43 } kept && kept.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? kept : PortalSessions.RandomToken();
        SetCookie(request, SignInCookie, csrf, TimeSpan.FromHours(1));
        return PageResult.Of<PortalSignedOut>(new { State = state, Email = email, EmailError = emailError, Csrf = csrf, Language = language, Path = path }, status);
    }

    /// <summary>A form sent without a session (sign-in, a link request): its token must equal the sign-in cookie's (double submit).</summary>
    private static bool IsSignInCsrf(HttpRequest request, Dictionary<string, string> form)
    {
        var expected = request.Cookies[SignInCookie];
        var presented = form.GetValueOrDefault("csrf");
        return expected is { Length: 43 } && presented is not null
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    private IResult Settings(Partner partner, PortalSession session, PageLanguage language, string path, bool saved = false, IssuedCredential? newSecret = null, int errorIndex = -1, string? attempted = null, string? urlError = null, int status = StatusCodes.Status200OK)
    {
        var result = PageResult.Of<PortalSettings>(
            new
            {
                Webhooks = partner.Channels.Where(c => c.Type == PartnerChannel.Webhook).ToArray(),
                Secrets = CredentialSet.Describe(partner.Secrets ?? [], time.GetUtcNow()),
                NewSecret = newSecret,
                Saved = saved,
                ErrorIndex = errorIndex,
                Attempted = attempted,
                UrlError = urlError,
                PartnerId = partner.Id,
                Csrf = session.CsrfToken,
                Language = language,
                Path = path,
            },
            status);
        return newSecret is null ? result : new NotStored(result);
    }

    private static object Common(PortalSession session, PageLanguage language, string path) =>
        new { PartnerId = session.PartnerId, Csrf = session.CsrfToken, Language = language, Path = path };

    private static IResult Message(PageLanguage language, string path, Text title, Text body, int status, string? linkPath = null, Text? linkText = null, bool isError = true) =>
        PageResult.Of<PortalMessage>(new { Title = title, Body = body, IsError = isError, LinkPath = linkPath, LinkText = linkText, Language = language, Path = path }, status);

    private static IResult CsrfRefused(PageLanguage language, string path) =>
        Message(language, path, new("Formuläret nekades", "The form was refused"), new("Formuläret saknade sin säkerhetskod (CSRF-skydd) eller kom från en annan webbplats. Gå tillbaka till sidan, ladda om den och skicka formuläret igen.", "The form lacked its security code (CSRF protection) or came from another site. Go back to the page, reload it and send the form again."), StatusCodes.Status403Forbidden, "/portal", new("Till översikten", "To the overview"));

    private Task<PortalSession?> SessionAsync(HttpRequest request, CancellationToken cancellationToken) =>
        sessions.FindAsync(request.Cookies[SessionCookie], cancellationToken);

    /// <summary>A form's fields (the first value of each), or the problem: 415 for a body that is not a form, 413 past its limit.</summary>
    private static async Task<(FormFields? Form, Problem? Problem)> FormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problem.UnsupportedMediaType(request.ContentType));
        }

        var (body, problem) = await BodyReader.ReadAsync(request, MaxFormBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        return (new FormFields(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span))), null);
    }

    /// <summary>A form from another site is refused: when the browser names an Origin, it must be this host's.</summary>
    private static bool IsSameOrigin(HttpRequest request) =>
        request.Headers.Origin.ToString() is not { Length: > 0 } origin
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));

    private static DateTimeOffset? LocalTime(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Parse(value.Trim());
        if (!parsed.Success)
        {
            parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss").Parse(value.Trim());
        }

        return parsed.Success ? Stockholm.ToUtc(parsed.Value) : null;
    }

    private static void SetCookie(HttpRequest request, string name, string value, TimeSpan maxAge) =>
        request.HttpContext.Response.Cookies.Append(name, value, CookieOptions(request, maxAge));

    /// <summary>HttpOnly, SameSite=Lax (a link from an e-mail still finds the session), Secure except on a loopback address, path /portal.</summary>
    private static CookieOptions CookieOptions(HttpRequest request, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps || !IsLoopback(request.Host.Host),
        SameSite = SameSiteMode.Lax,
        Path = "/portal",
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>A form's fields: the first value of each by name, and every value of a repeated one (checkboxes).</summary>
    private sealed class FormFields(Dictionary<string, StringValues> all)
        : Dictionary<string, string>(all.ToDictionary(f => f.Key, f => f.Value.Count > 0 ? f.Value[0] ?? string.Empty : string.Empty, StringComparer.Ordinal), StringComparer.Ordinal)
    {
        public IEnumerable<string> All(string name) => all.TryGetValue(name, out var values) ? values.OfType<string>() : [];
    }

    /// <summary>303 See Other: after a form, the browser asks for the page with GET.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            httpContext.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }

    /// <summary>A page that shows a secret: kept by no cache.</summary>
    private sealed class NotStored(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}

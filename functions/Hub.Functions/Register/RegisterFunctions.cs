using System.Text;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Pages;
using Mellanrum.Hub.Pages.Register;
using Mellanrum.Hub.Pages.Shell;
using Mellanrum.Hub.Register;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Functions.Register;

/// <summary>
/// The public register: its pages (<c>/samverkan</c>, <c>/samverkan/{id}</c>, <c>/organisationer/{organisation}</c>,
/// <c>/samverkanskartan</c>) and its open data (<c>/api/v1/register</c>, <c>/api/v1/dcat</c>). Open to anyone; only
/// collaborations not marked <c>"public": false</c>. Invalid query parameters answer 400 as problem details.
/// </summary>
public sealed class RegisterFunctions(PublicRegister register, IOptions<HubOptions> hub)
{
    private string BaseUrl => hub.Value.PublicBaseUrl.TrimEnd('/');

    /// <summary><c>GET /samverkan</c>: every public collaboration, searched (<c>q</c>), filtered (<c>area</c>, <c>form</c>, <c>status</c>, <c>county</c>, <c>member</c>) and paged (<c>page</c>).</summary>
    [Function(nameof(GetRegisterPage))]
    public async Task<IResult> GetRegisterPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samverkan")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        var (query, page) = RegisterQuery.Read(name => request.Query[name].FirstOrDefault(), register.Directory.Registry, errors);
        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", errors));
        }

        var snapshot = await register.SnapshotAsync(cancellationToken);
        var found = snapshot.Search(query, page, register.Options.PageSize);
        if (page > found.PageCount)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", [new InvalidParameter("page", $"There are {found.PageCount} pages.", Ids.Echo(request.Query["page"].FirstOrDefault()))]));
        }

        return PageResult.Of<RegisterListPage>(new
        {
            Language = PageLanguage.Of(request),
            Path = PathOf(request),
            Query = query,
            MemberInput = request.Query["member"].FirstOrDefault(),
            Found = found,
            Counties = CountiesOf(register),
            Total = snapshot.Entries.Count,
        });
    }

    /// <summary><c>GET /samverkan/{id}</c>: a public collaboration, its members, its updates newest first (<c>cursor</c> pages on) and the collaborations elsewhere that read like it.</summary>
    [Function(nameof(GetCollaborationPage))]
    public async Task<IResult> GetCollaborationPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samverkan/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var cursor = request.Query["cursor"].FirstOrDefault();
        if (cursor is not null && !PublicRegister.IsCursor(cursor))
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", [new InvalidParameter("cursor", "Not a cursor of this page.", Ids.Echo(cursor))]));
        }

        var language = PageLanguage.Of(request);
        if (!Ids.IsSlug(id) || await register.CollaborationAsync(id, cursor, cancellationToken) is not { } view)
        {
            return NotFound(request, new("Det finns ingen publik samverkan med det id:t.", "There is no public collaboration with that id."));
        }

        return PageResult.Of<CollaborationPage>(new { Language = language, Path = PathOf(request), View = view, Cursor = cursor });
    }

    /// <summary>
    /// <c>GET /organisationer/{organisation}</c>, by kommunkod or organisationsnummer: what it takes part in, with whom, and
    /// what others do that reads like it. Named otherwise (a name, a number without its hyphen) it is sent to its id (308).
    /// </summary>
    [Function(nameof(GetOrganisationPage))]
    public async Task<IResult> GetOrganisationPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "organisationer/{organisation}")] HttpRequest request,
        string organisation,
        CancellationToken cancellationToken)
    {
        var language = PageLanguage.Of(request);
        return await register.OrganisationAsync(organisation, cancellationToken) switch
        {
            OrganisationLookup.Found found => PageResult.Of<OrganisationPage>(new { Language = language, Path = PathOf(request), View = found.View }),
            OrganisationLookup.Elsewhere elsewhere => HubResults.PermanentRedirect(language.Link("/organisationer/" + Uri.EscapeDataString(elsewhere.Organisation))),
            _ => NotFound(request, new("Ingen kommun eller organisation i registret har den kommunkoden eller det organisationsnumret.", "No municipality or organisation in the register has that kommunkod or organisationsnummer.")),
        };
    }

    /// <summary><c>GET /samverkanskartan</c>: organisations and collaborations as a network (<c>county</c>, <c>area</c> narrow it), and the same as a table.</summary>
    [Function(nameof(GetMapPage))]
    public async Task<IResult> GetMapPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samverkanskartan")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        var (query, _) = RegisterQuery.Read(name => name is "county" or "area" ? request.Query[name].FirstOrDefault() : null, register.Directory.Registry, errors);
        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", errors));
        }

        var snapshot = await register.SnapshotAsync(cancellationToken);
        return PageResult.Of<MapPage>(new
        {
            Language = PageLanguage.Of(request),
            Path = PathOf(request),
            County = query.County,
            Area = query.Area,
            Network = snapshot.Network(query.County, query.Area),
            Counties = CountiesOf(register),
        });
    }

    /// <summary>
    /// <c>GET /api/v1/register</c>: the register as open data, JSON (the default, <c>?format=json</c>) or CSV
    /// (<c>?format=csv</c>, or <c>Accept: text/csv</c> without a format).
    /// </summary>
    [Function(nameof(GetRegister))]
    public async Task<IResult> GetRegister(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/register")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var format = request.Query["format"].FirstOrDefault();
        if (format is not (null or "json" or "csv"))
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", [new InvalidParameter("format", "Either json (the default) or csv.", Ids.Echo(format))]));
        }

        var csv = format == "csv" || (format is null && request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase)));
        var snapshot = await register.SnapshotAsync(cancellationToken);
        OpenData(request);
        if (!csv)
        {
            return HubResults.Json(RegisterExport.Json(snapshot, BaseUrl, register.Options.Publisher));
        }

        request.HttpContext.Response.Headers.ContentDisposition = "inline; filename=\"samverkansregistret.csv\"";
        return HubResults.Text(RegisterExport.Csv(snapshot, BaseUrl), RegisterExport.CsvMediaType, Encoding.UTF8);
    }

    /// <summary><c>GET /api/v1/dcat</c>: the register's DCAT-AP-SE catalogue description (JSON-LD), for dataportal.se to harvest.</summary>
    [Function(nameof(GetDcat))]
    public async Task<IResult> GetDcat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/dcat")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var snapshot = await register.SnapshotAsync(cancellationToken);
        OpenData(request);
        return HubResults.Text(DcatCatalogue.Build(snapshot, BaseUrl, register.Options).ToJsonString(HubJson.Options), DcatCatalogue.MediaType, Encoding.UTF8);
    }

    /// <summary>Open data may be read from any origin, and kept a minute.</summary>
    private static void OpenData(HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.CacheControl = "public, max-age=60";
    }

    private static IReadOnlyList<Organisations.County> CountiesOf(PublicRegister register) =>
        [.. register.Directory.Registry.Counties.OrderBy(c => c.Code, StringComparer.Ordinal)];

    private static string PathOf(HttpRequest request) => request.Path.Value + request.QueryString.Value;

    /// <summary>404: a page saying so to a browser (it asks for text/html), problem details to anything else.</summary>
    private static IResult NotFound(HttpRequest request, Text message) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            ? PageResult.Of<NotFoundPage>(new { Language = PageLanguage.Of(request), Path = PathOf(request), Message = message }, StatusCodes.Status404NotFound)
            : HubResults.Problem(Problem.NotFound(message.En));
}

using System.Buffers.Text;
using System.Text;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Read;

/// <summary>
/// Updates and collaborations, as normalised: open to anyone, except what a collaboration marked not public holds
/// (404 unless the caller is the admin or a member's source).
/// </summary>
public sealed class ReadFunctions(KeyAuthenticator keys, UpdateStore updates, CollaborationStore collaborations, CollaborationIndex index, OrganisationRegistry organisations)
{
    private static readonly Problem NoUpdate = Problem.NotFound("No update with that id.");
    private static readonly Problem NoCollaboration = Problem.NotFound("No collaboration with that id.");

    /// <summary><c>GET /api/v1/updates/{id}</c>: 200 the update, 404.</summary>
    [Function(nameof(GetUpdate))]
    public async Task<IResult> GetUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/updates/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if (await updates.GetAsync(id, cancellationToken) is not { } update)
        {
            return HubResults.Problem(NoUpdate);
        }

        var collaboration = await collaborations.GetAsync(update.Collaboration, cancellationToken);
        return collaboration is null || collaboration.Public || CollaborationRules.MaySee(collaboration, await keys.CallerAsync(request, cancellationToken))
            ? HubResults.Json(update)
            : HubResults.Problem(NoUpdate);
    }

    /// <summary>
    /// <c>GET /api/v1/collaborations?area=&amp;member=&amp;county=&amp;form=&amp;status=&amp;q=&amp;limit=&amp;cursor=</c>:
    /// newest activity first, paged by cursor over a snapshot (<c>nextCursor</c>); 400 naming bad parameters.
    /// </summary>
    [Function(nameof(ListCollaborations))]
    public async Task<IResult> ListCollaborations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/collaborations")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (limit, cursor, errors) = Query.CursorPaging(request);
        var area = Word(request, "area", Vocabulary.Areas, errors);
        var form = Word(request, "form", Collaboration.Forms, errors);
        var status = Word(request, "status", Vocabulary.Statuses, errors);
        var member = Organisation(request, request.Query.ContainsKey("member") ? "member" : "participant", errors);
        var county = request.Query["county"].FirstOrDefault();
        if (county is not null && organisations.FindCounty(county) is null)
        {
            errors.Add(new InvalidParameter("county", "Not a county code (two digits, e.g. 01 for Stockholms län).", Ids.Echo(county)));
        }

        var q = request.Query["q"].FirstOrDefault();
        if (q is { Length: > 200 })
        {
            errors.Add(new InvalidParameter("q", "At most 200 characters."));
        }

        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid query parameters.", errors));
        }

        var caller = await keys.CallerAsync(request, cancellationToken);
        try
        {
            var page = await index.ListAsync(
                new CollaborationQuery(area, member, county, form, status, q),
                c => c.Public || caller.IsAdmin || (caller.Organisation is { } own && c.Organisations.Contains(own)),
                limit,
                cursor,
                cancellationToken);
            return HubResults.Json(page);
        }
        catch (FormatException e)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid cursor.", [new InvalidParameter("cursor", e.Message)]));
        }
    }

    /// <summary><c>GET /api/v1/collaborations/{id}</c>: 200 the collaboration with its members, 404.</summary>
    [Function(nameof(GetCollaboration))]
    public async Task<IResult> GetCollaboration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/collaborations/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await VisibleAsync(request, id, cancellationToken) is { } collaboration ? HubResults.Json(collaboration) : HubResults.Problem(NoCollaboration);

    /// <summary><c>GET /api/v1/collaborations/{id}/updates?limit=&amp;cursor=</c>: newest first, paged by cursor; 400, 404.</summary>
    [Function(nameof(ListCollaborationUpdates))]
    public async Task<IResult> ListCollaborationUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/collaborations/{id}/updates")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var (limit, cursor, errors) = Query.CursorPaging(request);
        string? after = null;
        if (cursor is not null && !TryReadTimelineCursor(cursor, out after))
        {
            errors.Add(new InvalidParameter("cursor", "Not a cursor of this list.", Ids.Echo(cursor)));
        }

        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid paging parameters.", errors));
        }

        if (await VisibleAsync(request, id, cancellationToken) is null)
        {
            return HubResults.Problem(NoCollaboration);
        }

        var (items, last) = await updates.ListTimelineAsync(id, limit, after, cancellationToken);
        var next = last is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last));
        return HubResults.Json(new CursorPage<NormalisedUpdate>(items, limit, next));
    }

    private async Task<Collaboration?> VisibleAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        await collaborations.GetAsync(id, cancellationToken) is { } collaboration
        && (collaboration.Public || CollaborationRules.MaySee(collaboration, await keys.CallerAsync(request, cancellationToken)))
            ? collaboration
            : null;

    private static bool TryReadTimelineCursor(string cursor, out string? after)
    {
        after = null;
        try
        {
            after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return after.Length is > 20 and < 120 && after.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string? Word(HttpRequest request, string name, IReadOnlyList<string> words, List<InvalidParameter> errors)
    {
        var value = request.Query[name].FirstOrDefault();
        if (value is not null && !words.Contains(value))
        {
            errors.Add(new InvalidParameter(name, "Must be one of: " + string.Join(", ", words) + ".", Ids.Echo(value)));
        }

        return value;
    }

    private string? Organisation(HttpRequest request, string name, List<InvalidParameter> errors)
    {
        var raw = request.Query[name].FirstOrDefault();
        if (raw is null)
        {
            return null;
        }

        if (organisations.TryResolve(raw, out var organisation))
        {
            return organisation;
        }

        errors.Add(new InvalidParameter(name, "Not a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(raw)));
        return null;
    }
}

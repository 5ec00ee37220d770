using System.Text;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Http;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Digest;

/// <summary>What <c>POST /api/v1/admin/digests/{yyyy-MM}/send</c> answers: the run's counts.</summary>
public sealed record DigestSendAnswer(
    string Month,
    int Partners,
    int Digests,
    int Sent,
    int Skipped,
    int Failed,
    int Uncertain,
    int InvalidRecipients)
{
    public static DigestSendAnswer Of(DigestRunResult run) => new(
        run.Month.ToString(), run.Partners, run.Digests, run.Sent, run.AlreadySent, run.Retryable + run.Rejected, run.Uncertain, run.InvalidRecipients);
}

/// <summary>The digest's HTTP side: a partner's month as HTML or text, and sending a month now.</summary>
public sealed class DigestEndpoints(AdminAuthenticator admin, PartnerStore partners, DigestViewer viewer, DigestRunner runner)
{
    private const string TextFormat = "text";
    private const string HtmlFormat = "html";

    private static readonly Problem Unauthorized =
        new(401, "Unauthorized", "Authentication failed: send the admin key or this partner's key as Authorization: Bearer.");

    /// <summary><c>GET /api/v1/partners/{partnerId}/digests/{yyyy-MM}</c>: the admin key or the partner's own key.</summary>
    public async Task<IResult> GetAsync(string partnerId, string month, HttpRequest request, CancellationToken cancellationToken)
    {
        if (AdminAuthenticator.BearerToken(request) is not { Length: > 0 } token)
        {
            return Unauthorized;
        }

        var isAdmin = admin.Matches(token);
        var partner = Ids.IsSlug(partnerId) ? await partners.GetAsync(partnerId, cancellationToken) : null;
        if (!isAdmin && (partner?.KeyHash is not { } hash || !Credentials.KeyMatches(token, hash)))
        {
            // Unknown partner or another's key: the same answer, so that ids cannot be probed.
            return Unauthorized;
        }

        if (partner is null)
        {
            return Problem.NotFound("No such partner.");
        }

        var format = request.Query["format"].FirstOrDefault() ?? HtmlFormat;
        var errors = new List<InvalidParameter>();
        if (!DigestMonth.TryParse(month, out var parsed))
        {
            errors.Add(new InvalidParameter("month", "A month is written yyyy-MM, e.g. 2026-03.", Ids.Echo(month)));
        }

        if (format is not (TextFormat or HtmlFormat))
        {
            errors.Add(new InvalidParameter("format", "Either html (the default) or text.", Ids.Echo(format)));
        }

        if (errors.Count > 0)
        {
            return Problem.BadRequest("Invalid digest request.", errors);
        }

        if (await viewer.RenderAsync(partner, parsed, cancellationToken) is not { } rendered)
        {
            return Problem.NotFound($"Nothing happened for this partner in {parsed}: there is no digest for an empty month.");
        }

        return format == TextFormat
            ? Results.Text(rendered.Text, "text/plain", Encoding.UTF8)
            : Results.Text(rendered.Html, "text/html", Encoding.UTF8);
    }

    /// <summary><c>POST /api/v1/admin/digests/{yyyy-MM}/send</c>: sends the month now; recipients who have it are skipped.</summary>
    public async Task<IResult> SendAsync(string month, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin(request))
        {
            return Unauthorized;
        }

        if (!DigestMonth.TryParse(month, out var parsed))
        {
            return Problem.BadRequest("Invalid month.", [new InvalidParameter("month", "A month is written yyyy-MM, e.g. 2026-03.", Ids.Echo(month))]);
        }

        var run = await runner.RunAsync(parsed, cancellationToken);
        return HubResults.Json(DigestSendAnswer.Of(run), StatusCodes.Status202Accepted);
    }
}

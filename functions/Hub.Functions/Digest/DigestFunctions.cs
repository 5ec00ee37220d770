using System.Text;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Digest;

/// <summary>The monthly digest: the timer that sends it, a partner's month on the web, and sending a month now.</summary>
public sealed class DigestFunctions(DigestRunner runner, DigestViewer viewer, KeyAuthenticator keys, AuditLog audit)
{
    private static readonly Problem Unauthorized = Problem.Unauthorized("Authentication failed: send the admin key or this partner's key as Authorization: Bearer.");

    /// <summary>Fires at 05:00 and 06:00 UTC on the 1st; the runner acts on the one that is 07:00 in Stockholm.</summary>
    [Function(nameof(SendMonthlyDigest))]
    public Task SendMonthlyDigest([TimerTrigger("%HubDigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunDueAsync(cancellationToken);

    /// <summary>
    /// <c>GET /api/v1/partners/{partnerId}/digests/{yyyy-MM}?format=html|text</c> (admin key or the partner's own key):
    /// 200 <c>text/html</c> or <c>text/plain</c>; 400, 401, 404 (no partner, or nothing happened that month).
    /// </summary>
    [Function(nameof(GetPartnerDigest))]
    public async Task<IResult> GetPartnerDigest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/partners/{partnerId}/digests/{month}")] HttpRequest request,
        string partnerId,
        string month,
        CancellationToken cancellationToken)
    {
        var (allowed, partner) = await keys.AdminOrPartnerAsync(request, partnerId, cancellationToken);
        if (!allowed)
        {
            return HubResults.Problem(Unauthorized);
        }

        if (partner is null)
        {
            return HubResults.Problem(Problem.NotFound("No such partner."));
        }

        var format = request.Query["format"].FirstOrDefault() ?? "html";
        var errors = new List<InvalidParameter>();
        if (!DigestMonth.TryParse(month, out var parsed))
        {
            errors.Add(DigestMonth.Invalid(month));
        }

        if (format is not ("text" or "html"))
        {
            errors.Add(new InvalidParameter("format", "Either html (the default) or text.", Ids.Echo(format)));
        }

        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.BadRequest("Invalid digest request.", errors));
        }

        return await viewer.RenderAsync(partner, parsed, cancellationToken) switch
        {
            null => HubResults.Problem(Problem.NotFound($"Nothing happened for this partner in {parsed}: there is no digest for an empty month.")),
            var rendered when format == "text" => HubResults.Text(rendered.Text, "text/plain", Encoding.UTF8),
            var rendered => HubResults.Text(rendered.Html, "text/html", Encoding.UTF8),
        };
    }

    /// <summary>
    /// <c>POST /api/v1/admin/digests/{yyyy-MM}/send</c>: 202 with <c>Location: /api/v1/admin/digests/{yyyy-MM}</c>, the run
    /// queued as jobs (recipients who have the month already are skipped); 400, 401, 409 for a month that has not ended.
    /// </summary>
    [Function(nameof(SendDigests))]
    public Task<IResult> SendDigests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/digests/{month}/send")] HttpRequest request,
        string month,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            if (!DigestMonth.TryParse(month, out var parsed))
            {
                return HubResults.Problem(Problem.BadRequest("Invalid month.", [DigestMonth.Invalid(month)]));
            }

            if (await runner.StartAsync(parsed, "admin", cancellationToken) is not { } run)
            {
                return HubResults.Problem(Problem.Conflict($"{parsed} has not ended: its digest can be sent from {UtcDateTimeOffsetConverter.Format(parsed.Period.To)}."));
            }

            await audit.RecordAsync(caller, "digest.sent", parsed.ToString(), $"run {run.Id} queued", cancellationToken);
            return HubResults.Accepted($"/api/v1/admin/digests/{parsed}", DigestRunView.Of(run, []));
        });

    /// <summary><c>GET /api/v1/admin/digests/{yyyy-MM}</c>: 200 the month's latest run (queued, sent, skipped, failed); 400, 401, 404 for a month never run.</summary>
    [Function(nameof(GetDigestRun))]
    public Task<IResult> GetDigestRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/digests/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async () =>
        {
            if (!DigestMonth.TryParse(month, out var parsed))
            {
                return HubResults.Problem(Problem.BadRequest("Invalid month.", [DigestMonth.Invalid(month)]));
            }

            return await runner.ProgressAsync(parsed, cancellationToken) is { } progress
                ? HubResults.Json(progress)
                : HubResults.Problem(Problem.NotFound($"The digest of {parsed} has not been run."));
        });

    /// <summary>The digest's jobs: a month to compose (then its partners queued in batches), or a batch of partners to mail.</summary>
    [Function(nameof(RunDigestJob))]
    public Task RunDigestJob([QueueTrigger("%HubDigestsQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        runner.ProcessAsync(message, cancellationToken);

    /// <summary>A digest job that failed every attempt: what it was for is shown as failed in the run's progress.</summary>
    [Function(nameof(KeepFailedDigestJob))]
    public Task KeepFailedDigestJob([QueueTrigger("%HubDigestsQueue%-poison", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        runner.FailedAsync(message, cancellationToken);
}

using Mellanrum.Hub.Digest;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Digest;

/// <summary>The monthly digest: the timer that sends it, a partner's month on the web, and sending a month now.</summary>
public sealed class DigestFunctions(DigestRunner runner, DigestEndpoints digests)
{
    /// <summary>Fires at 05:00 and 06:00 UTC on the 1st; the runner acts on the one that is 07:00 in Stockholm.</summary>
    [Function(nameof(SendMonthlyDigest))]
    public Task SendMonthlyDigest([TimerTrigger("%HubDigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunDueAsync(cancellationToken);

    [Function(nameof(GetPartnerDigest))]
    public Task<IResult> GetPartnerDigest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/partners/{partnerId}/digests/{month}")] HttpRequest request,
        string partnerId,
        string month,
        CancellationToken cancellationToken) =>
        digests.GetAsync(partnerId, month, request, cancellationToken);

    [Function(nameof(SendDigests))]
    public Task<IResult> SendDigests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/digests/{month}/send")] HttpRequest request,
        string month,
        CancellationToken cancellationToken) =>
        digests.SendAsync(month, request, cancellationToken);
}

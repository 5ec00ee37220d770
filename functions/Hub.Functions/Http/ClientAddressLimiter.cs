using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Mellanrum.Hub.Ingest;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// A token bucket per client address that runs before any table read, HMAC or body read, so a flood of posts from one
/// address costs almost nothing (<c>Hub:Ingest:PerAddressRatePerSecond</c>, <c>PerAddressBurst</c>; per instance). The
/// address is the connection's, or, when the connection comes from this machine (the Functions host, a reverse proxy),
/// the first <c>X-Forwarded-For</c> entry.
/// </summary>
public sealed class ClientAddressLimiter(IOptions<IngestOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = TokenBuckets.PerKey(() => (options.Value.PerAddressRatePerSecond, options.Value.PerAddressBurst));

    /// <summary>Null when the request may go on; else the 429 to answer.</summary>
    public Problem? Refuse(HttpRequest request)
    {
        using var lease = _limiter.AttemptAcquire(AddressOf(request));
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        return new Problem(429, "Too many requests", "Too many requests from this address; retry after the given time.", [], wait);
    }

    public void Dispose() => _limiter.Dispose();

    internal static string AddressOf(HttpRequest request)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress;
        if ((remote is null || IPAddress.IsLoopback(remote))
            && request.Headers["X-Forwarded-For"].FirstOrDefault() is { Length: > 0 } forwarded
            && IPAddress.TryParse(forwarded.Split(',')[0].Trim(), out var client))
        {
            return client.ToString();
        }

        return remote?.ToString() ?? "unknown";
    }
}

using System.Threading.RateLimiting;

namespace Mellanrum.Hub.Foundation;

/// <summary>The hub's rate limits: a token bucket per key (a source, a client address), per instance, never queueing.</summary>
public static class TokenBuckets
{
    /// <summary>
    /// A bucket per key refilled by <c>RatePerSecond</c> tokens each second up to <c>Burst</c>; no limit when the rate is 0.
    /// <paramref name="limits"/> is read when a key's bucket is made, so validated options are read after start.
    /// </summary>
    public static PartitionedRateLimiter<string> PerKey(Func<(int RatePerSecond, int Burst)> limits) =>
        PartitionedRateLimiter.Create<string, string>(key =>
        {
            var (rate, burst) = limits();
            return rate == 0
                ? RateLimitPartition.GetNoLimiter(key)
                : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = rate,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
        });
}

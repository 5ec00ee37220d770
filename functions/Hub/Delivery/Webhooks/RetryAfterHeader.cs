using System.Net.Http.Headers;

namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>Reads <c>Retry-After</c> (delta seconds or an HTTP-date) as a wait from now; a past date is zero.</summary>
public static class RetryAfterHeader
{
    public static TimeSpan? Read(RetryConditionHeaderValue? value, DateTimeOffset now) => value switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date <= now ? TimeSpan.Zero : date - now,
        _ => null,
    };

    public static TimeSpan? Read(string? value, DateTimeOffset now) =>
        RetryConditionHeaderValue.TryParse(value, out var parsed) ? Read(parsed, now) : null;
}

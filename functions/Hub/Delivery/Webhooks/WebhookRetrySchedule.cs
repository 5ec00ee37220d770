namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>What to do with a delivery after an attempt.</summary>
public enum WebhookNextStep
{
    /// <summary>Delivered: nothing more.</summary>
    Done,

    /// <summary>Send again at <see cref="WebhookRetryDecision.NotBefore"/> (re-queue with that visibility delay).</summary>
    Retry,

    /// <summary>Give up on this delivery and keep it as a dead letter (the reason says why).</summary>
    DeadLetter,

    /// <summary>The endpoint is gone (410): disable the partner's webhook channel and dead-letter this delivery.</summary>
    DisableEndpoint,
}

/// <summary>The next step for a delivery; <see cref="Wait"/> and <see cref="NotBefore"/> only for <see cref="WebhookNextStep.Retry"/>.</summary>
public sealed record WebhookRetryDecision(WebhookNextStep Step, TimeSpan Wait, DateTimeOffset? NotBefore, string? Reason);

/// <summary>
/// Growing waits between attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each with +-10 % jitter so that
/// deliveries failed together do not come back together; after the 8th attempt (the first plus 7 retries, about
/// 28 hours) a delivery is dead-lettered.
/// <c>Retry-After</c> (429 and 503, read by <see cref="WebhookSender"/>) and an open circuit's remaining break are
/// honoured by waiting the LARGER of the endpoint's wish and the schedule's wait: the endpoint may slow us down but
/// never speed the schedule up. A <c>Retry-After</c> beyond <see cref="MaxRetryAfter"/> (12 h) is cut to it, so that
/// a hostile or broken header cannot park a delivery for ever; it still counts as one attempt.
/// </summary>
public sealed class WebhookRetrySchedule(TimeProvider timeProvider, Random random, IReadOnlyList<TimeSpan>? waits = null)
{
    private readonly IReadOnlyList<TimeSpan> _waits = waits is { Count: > 0 } ? waits : Waits;

    public const double JitterRatio = 0.10;

    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(12);

    public static IReadOnlyList<TimeSpan> Waits { get; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    /// <summary>Attempts in all before a delivery is dead-lettered (the first and one per wait).</summary>
    public static int MaxAttempts => Waits.Count + 1;

    private readonly Lock gate = new();

    /// <summary>
    /// The jittered wait after the <paramref name="attemptsMade"/>-th failed attempt (1 = the first attempt failed),
    /// or null when the schedule is used up and the delivery goes to the dead letters.
    /// </summary>
    public TimeSpan? WaitAfter(int attemptsMade)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsMade, 1);
        if (attemptsMade > _waits.Count)
        {
            return null;
        }

        double factor;
        lock (gate)
        {
            factor = 1 + ((random.NextDouble() * 2) - 1) * JitterRatio;
        }

        return TimeSpan.FromMilliseconds(Math.Round(_waits[attemptsMade - 1].TotalMilliseconds * factor));
    }

    /// <summary>The next step for a delivery after its <paramref name="attemptsMade"/>-th attempt ended in <paramref name="result"/>.</summary>
    public WebhookRetryDecision Decide(int attemptsMade, WebhookAttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Outcome)
        {
            case WebhookOutcome.Delivered:
                return new(WebhookNextStep.Done, TimeSpan.Zero, null, null);
            case WebhookOutcome.Gone:
                return new(WebhookNextStep.DisableEndpoint, TimeSpan.Zero, null, result.Reason);
            case WebhookOutcome.Refused:
            case WebhookOutcome.Failed:
                return new(WebhookNextStep.DeadLetter, TimeSpan.Zero, null, result.Reason);
        }

        if (WaitAfter(attemptsMade) is not { } wait)
        {
            return new(WebhookNextStep.DeadLetter, TimeSpan.Zero, null,
                $"gave up after {attemptsMade} attempts; last: {result.Reason}");
        }

        if (result.RetryAfter is { } asked)
        {
            var capped = asked > MaxRetryAfter ? MaxRetryAfter : asked;
            wait = capped > wait ? capped : wait;
        }

        return new(WebhookNextStep.Retry, wait, timeProvider.GetUtcNow() + wait, result.Reason);
    }
}

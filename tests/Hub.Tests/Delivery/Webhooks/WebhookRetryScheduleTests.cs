using Mellanrum.Hub.Delivery.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.Tests.Delivery.Webhooks;

public sealed class WebhookRetryScheduleTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    public static TheoryData<int, double> ScheduledWaits => new()
    {
        { 1, 5 },
        { 2, 5 * 60 },
        { 3, 30 * 60 },
        { 4, 2 * 3600 },
        { 5, 5 * 3600 },
        { 6, 10 * 3600 },
        { 7, 10 * 3600 },
    };

    [Theory]
    [MemberData(nameof(ScheduledWaits))]
    public void WaitAfter_MiddleJitter_IsTheScheduledWait(int attemptsMade, double seconds)
    {
        var schedule = Create(new FixedRandom(0.5));

        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.WaitAfter(attemptsMade));
    }

    [Theory]
    [InlineData(0.0, 4.5)]
    [InlineData(0.25, 4.75)]
    [InlineData(0.75, 5.25)]
    [InlineData(0.999999, 5.5)]
    public void WaitAfter_Jitter_StaysWithinTenPercent(double sample, double expectedSeconds)
    {
        var wait = Create(new FixedRandom(sample)).WaitAfter(1);

        Assert.Equal(expectedSeconds, wait!.Value.TotalSeconds, precision: 2);
    }

    [Fact]
    public void WaitAfter_SeededRandom_EveryWaitWithinJitterBounds()
    {
        var schedule = Create(new Random(4711));

        for (var round = 0; round < 200; round++)
        {
            for (var attempt = 1; attempt <= WebhookRetrySchedule.Waits.Count; attempt++)
            {
                var nominal = WebhookRetrySchedule.Waits[attempt - 1];
                var wait = schedule.WaitAfter(attempt)!.Value;
                Assert.InRange(wait, nominal * 0.9, nominal * 1.1);
            }
        }
    }

    [Fact]
    public void WaitAfter_ScheduleUsedUp_IsNull()
    {
        Assert.Equal(8, WebhookRetrySchedule.MaxAttempts);
        Assert.Null(Create(new FixedRandom(0.5)).WaitAfter(8));
    }

    [Fact]
    public void Decide_RetryLaterEarly_RetriesAtNowPlusWait()
    {
        var decision = Create(new FixedRandom(0.5)).Decide(2, RetryLater());

        Assert.Equal(WebhookNextStep.Retry, decision.Step);
        Assert.Equal(TimeSpan.FromMinutes(5), decision.Wait);
        Assert.Equal(Now.AddMinutes(5), decision.NotBefore);
    }

    [Fact]
    public void Decide_RetryLaterAfterLastAttempt_DeadLetters()
    {
        var decision = Create(new FixedRandom(0.5)).Decide(WebhookRetrySchedule.MaxAttempts, RetryLater());

        Assert.Equal(WebhookNextStep.DeadLetter, decision.Step);
        Assert.Null(decision.NotBefore);
        Assert.StartsWith("gave up after 8 attempts", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RetryAfterLongerThanSchedule_WaitsRetryAfter()
    {
        var decision = Create(new FixedRandom(0.5)).Decide(1, RetryLater(retryAfter: TimeSpan.FromSeconds(7)));

        Assert.Equal(TimeSpan.FromSeconds(7), decision.Wait);
        Assert.Equal(Now.AddSeconds(7), decision.NotBefore);
    }

    [Fact]
    public void Decide_RetryAfterShorterThanSchedule_WaitsSchedule()
    {
        var decision = Create(new FixedRandom(0.5)).Decide(3, RetryLater(retryAfter: TimeSpan.FromSeconds(7)));

        Assert.Equal(TimeSpan.FromMinutes(30), decision.Wait);
    }

    [Fact]
    public void Decide_RetryAfterBeyondCap_WaitsTwelveHours()
    {
        var decision = Create(new FixedRandom(0.5)).Decide(1, RetryLater(retryAfter: TimeSpan.FromDays(30)));

        Assert.Equal(WebhookRetrySchedule.MaxRetryAfter, decision.Wait);
        Assert.Equal(TimeSpan.FromHours(12), decision.Wait);
    }

    [Theory]
    [InlineData(WebhookOutcome.Delivered, WebhookNextStep.Done)]
    [InlineData(WebhookOutcome.Gone, WebhookNextStep.DisableEndpoint)]
    [InlineData(WebhookOutcome.Refused, WebhookNextStep.DeadLetter)]
    [InlineData(WebhookOutcome.Failed, WebhookNextStep.DeadLetter)]
    public void Decide_FinalOutcome_IsNotRetried(WebhookOutcome outcome, WebhookNextStep expected)
    {
        var result = new WebhookAttemptResult(outcome, WebhookFailure.None, null, TimeSpan.Zero);

        var decision = Create(new FixedRandom(0.5)).Decide(1, result);

        Assert.Equal(expected, decision.Step);
        Assert.Null(decision.NotBefore);
    }

    private static WebhookAttemptResult RetryLater(TimeSpan? retryAfter = null) =>
        new(WebhookOutcome.RetryLater, WebhookFailure.Status, 503, TimeSpan.FromMilliseconds(20), retryAfter, "the endpoint answered 503");

    private static WebhookRetrySchedule Create(Random random) => new(new FakeTimeProvider(Now), random);

    private sealed class FixedRandom(double sample) : Random
    {
        public override double NextDouble() => sample;
    }
}

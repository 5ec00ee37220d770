using System.Globalization;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>The contract's cutoff rule: which month's digest an update is in, if any.</summary>
public sealed class DigestMonthRuleTests
{
    private static readonly TimeSpan NinetyDays = TimeSpan.FromDays(90);
    private static readonly DigestMonth October = new(2026, 10);
    private static readonly DigestMonth November = new(2026, 11);
    private static readonly DigestMonth December = new(2026, 12);

    /// <summary>Each month's digest composed at 07:00 Stockholm on the 1st of the next month.</summary>
    private static readonly Dictionary<DigestMonth, DateTimeOffset> Sent = new()
    {
        [new DigestMonth(2026, 9)] = At("2026-10-01T05:00:00Z"),
        [October] = At("2026-11-01T06:00:00Z"),
        [November] = At("2026-12-01T06:00:00Z"),
    };

    private static DateTimeOffset? SentCutoff(DigestMonth month) => Sent.TryGetValue(month, out var cutoff) ? cutoff : null;

    [Fact]
    public void MonthOf_OccurredInOctoberStoredBeforeItsCutoff_October() =>
        Assert.Equal(October, DigestMonthRule.MonthOf(At("2026-10-14T08:00:00Z"), At("2026-10-31T12:00:00Z"), SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_OccurredInOctoberPostedBeforeOctoberWasEverComposed_October() =>
        Assert.Equal(October, DigestMonthRule.MonthOf(At("2026-10-14T08:00:00Z"), At("2026-12-01T15:00:00Z"), _ => null, NinetyDays));

    [Fact]
    public void MonthOf_StoredAfterItsMonthsCutoff_ReportedLateInTheNextMonth() =>
        Assert.Equal(November, DigestMonthRule.MonthOf(At("2026-10-20T08:00:00Z"), At("2026-11-03T09:00:00Z"), SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_StoredAfterTwoCutoffs_TheFirstMonthWhoseCutoffComesAfter() =>
        Assert.Equal(December, DigestMonthRule.MonthOf(At("2026-10-20T08:00:00Z"), At("2026-12-01T15:00:00Z"), SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_StoredAtTheVeryCutoff_IsLate() =>
        Assert.Equal(November, DigestMonthRule.MonthOf(At("2026-10-20T08:00:00Z"), Sent[October], SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_StoredMoreThan90DaysAfterItOccurred_None() =>
        Assert.Null(DigestMonthRule.MonthOf(At("2026-03-19T08:00:00Z"), At("2026-12-01T15:00:00Z"), SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_StoredExactly90DaysAfter_StillReported() =>
        Assert.Equal(December, DigestMonthRule.MonthOf(At("2026-09-02T15:00:00Z"), At("2026-12-01T15:00:00Z"), SentCutoff, NinetyDays));

    [Fact]
    public void MonthOf_LimitIsASetting_ThirtyDaysDropsWhatNinetyKeeps()
    {
        Assert.NotNull(DigestMonthRule.MonthOf(At("2026-10-14T08:00:00Z"), At("2026-12-01T15:00:00Z"), _ => null, NinetyDays));
        Assert.Null(DigestMonthRule.MonthOf(At("2026-10-14T08:00:00Z"), At("2026-12-01T15:00:00Z"), _ => null, TimeSpan.FromDays(30)));
    }

    [Theory]
    [InlineData("2026-09-30T22:30:00Z", "2026-10")] // 1 October 00:30 in Stockholm (summer time, UTC+2)
    [InlineData("2026-09-30T21:59:59Z", "2026-09")] // 30 September 23:59:59 in Stockholm
    [InlineData("2026-10-31T23:30:00Z", "2026-11")] // 1 November 00:30 in Stockholm (winter time, UTC+1)
    [InlineData("2026-10-31T22:30:00Z", "2026-10")] // 31 October 23:30 in Stockholm, already 2026-10-31 in UTC too
    [InlineData("2026-12-31T23:30:00Z", "2027-01")] // New Year 00:30 in Stockholm
    public void MonthOf_StockholmMidnight_TheLocalMonth(string occurred, string month) =>
        Assert.Equal(DigestMonth.Parse(month), DigestMonthRule.MonthOf(At(occurred), At(occurred).AddMinutes(5), _ => null, NinetyDays));

    [Fact]
    public void MonthOf_AnUpdateOccurringTomorrow_InTheMonthItOccursIn()
    {
        // Posted on 31 October about a meeting on 1 November: November's digest, not October's.
        var occurs = At("2026-11-01T09:00:00Z");
        var posted = At("2026-10-31T14:00:00Z");

        Assert.Equal(November, DigestMonthRule.MonthOf(occurs, posted, SentCutoff, NinetyDays));
        Assert.Equal(November, DigestMonthRule.MonthOf(occurs, posted, _ => null, NinetyDays));
    }

    [Fact]
    public void UpdateMonthIndex_MonthOf_IsTheStockholmMonth()
    {
        Assert.Equal("2026-10", UpdateMonthIndex.MonthOf(At("2026-09-30T22:30:00Z")));
        Assert.Equal("2026-11", UpdateMonthIndex.MonthOf(At("2026-10-31T23:30:00Z")));
    }

    [Fact]
    public void LookBack_NinetyDays_ReachesFiveMonths() => Assert.Equal(5, DigestMonthRule.LookBack(NinetyDays));

    internal static DateTimeOffset At(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

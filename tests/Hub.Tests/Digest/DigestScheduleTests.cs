using Mellanrum.Hub.Digest;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestScheduleTests
{
    [Theory]
    [InlineData("2026-01-01T05:00:00Z", false)] // 06:00 CET
    [InlineData("2026-01-01T06:00:00Z", true)] // 07:00 CET
    [InlineData("2026-07-01T05:00:00Z", true)] // 07:00 CEST
    [InlineData("2026-07-01T06:00:00Z", false)] // 08:00 CEST
    [InlineData("2026-03-01T06:00:00Z", true)] // before summer time starts on 29 March
    [InlineData("2026-04-01T05:00:00Z", true)] // after it
    [InlineData("2026-11-01T06:00:00Z", true)] // after summer time ends on 25 October
    [InlineData("2026-07-02T05:00:00Z", false)] // not the 1st
    public void IsActingFiring_TimerFiring_ActsOnlyAtSevenInStockholm(string firedAt, bool acts)
    {
        Assert.Equal(acts, DigestSchedule.IsActingFiring(DateTimeOffset.Parse(firedAt)));
    }

    [Fact]
    public void DueAt_MarchAndSeptember_SevenOnTheFirstOfTheNextMonthStockholm()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-04-01T05:00:00Z"), DigestSchedule.DueAt(new DigestMonth(2026, 3)));
        Assert.Equal(DateTimeOffset.Parse("2026-10-01T05:00:00Z"), DigestSchedule.DueAt(new DigestMonth(2026, 9)));
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T06:00:00Z"), DigestSchedule.DueAt(new DigestMonth(2025, 12)));
    }

    [Fact]
    public void MonthsOwed_ThreeMonthsMissed_ReturnsThemOldestFirst()
    {
        var owed = DigestSchedule.MonthsOwed(new DigestMonth(2025, 12), DateTimeOffset.Parse("2026-04-01T05:00:00Z"));

        Assert.Equal(["2026-01", "2026-02", "2026-03"], owed.Select(m => m.ToString()));
    }

    [Fact]
    public void MonthsOwed_BeforeSevenOnTheFirst_LastMonthNotYetOwed()
    {
        var owed = DigestSchedule.MonthsOwed(new DigestMonth(2025, 12), DateTimeOffset.Parse("2026-04-01T04:59:00Z"));

        Assert.Equal(["2026-01", "2026-02"], owed.Select(m => m.ToString()));
    }

    [Fact]
    public void MonthsOwed_UpToDate_ReturnsNothing()
    {
        Assert.Empty(DigestSchedule.MonthsOwed(new DigestMonth(2026, 3), DateTimeOffset.Parse("2026-04-15T10:00:00Z")));
    }

    [Fact]
    public void MonthsOwed_NothingSentYet_OnlyTheLatestMonth()
    {
        var owed = DigestSchedule.MonthsOwed(null, DateTimeOffset.Parse("2026-04-01T05:00:00Z"));

        Assert.Equal([new DigestMonth(2026, 3)], owed);
    }

    [Fact]
    public void MonthsOwed_TwoYearsMissed_CapsAtTwelveMostRecent()
    {
        var owed = DigestSchedule.MonthsOwed(new DigestMonth(2024, 1), DateTimeOffset.Parse("2026-04-01T05:00:00Z"));

        Assert.Equal(DigestSchedule.MaxCatchUpMonths, owed.Count);
        Assert.Equal(new DigestMonth(2025, 4), owed[0]);
        Assert.Equal(new DigestMonth(2026, 3), owed[^1]);
    }
}

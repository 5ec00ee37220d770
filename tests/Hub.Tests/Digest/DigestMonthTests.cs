using Mellanrum.Hub.Digest;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestMonthTests
{
    [Fact]
    public void Containing_LastHalfHourOfMarchInStockholm_IsMarch()
    {
        var lateMarch = DateTimeOffset.Parse("2026-03-31T23:30:00+02:00");

        Assert.Equal(new DigestMonth(2026, 3), DigestMonth.Containing(lateMarch));
        Assert.True(new DigestMonth(2026, 3).Period.Contains(lateMarch));
        Assert.False(new DigestMonth(2026, 4).Period.Contains(lateMarch));
    }

    [Fact]
    public void Containing_FirstHalfHourOfOctoberInStockholm_IsOctober()
    {
        var earlyOctober = DateTimeOffset.Parse("2026-10-01T00:30:00+02:00");

        Assert.Equal(new DigestMonth(2026, 10), DigestMonth.Containing(earlyOctober));
        Assert.True(new DigestMonth(2026, 10).Period.Contains(earlyOctober));
        Assert.False(new DigestMonth(2026, 9).Period.Contains(earlyOctober));
    }

    [Theory]
    [InlineData(2026, 3, "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z")]
    [InlineData(2026, 10, "2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z")]
    [InlineData(2026, 1, "2025-12-31T23:00:00Z", "2026-01-31T23:00:00Z")]
    [InlineData(2026, 7, "2026-06-30T22:00:00Z", "2026-07-31T22:00:00Z")]
    public void Period_Month_IsStockholmMonthInUtc(int year, int month, string from, string to)
    {
        var period = new DigestMonth(year, month).Period;

        Assert.Equal(DateTimeOffset.Parse(from), period.From);
        Assert.Equal(DateTimeOffset.Parse(to), period.To);
        Assert.Equal(TimeSpan.Zero, period.From.Offset);
    }

    [Theory]
    [InlineData(1, "januari 2026", "January 2026")]
    [InlineData(3, "mars 2026", "March 2026")]
    [InlineData(5, "maj 2026", "May 2026")]
    [InlineData(8, "augusti 2026", "August 2026")]
    [InlineData(12, "december 2026", "December 2026")]
    public void Names_Month_SwedishLowerCaseAndEnglish(int month, string swedish, string english)
    {
        var value = new DigestMonth(2026, month);

        Assert.Equal(swedish, value.SwedishName);
        Assert.Equal(english, value.EnglishName);
        Assert.Equal(swedish, value.NameIn("sv"));
        Assert.Equal(english, value.NameIn("en"));
    }

    [Fact]
    public void Parse_YearDashMonth_RoundTrips()
    {
        var month = DigestMonth.Parse("2026-03");

        Assert.Equal(new DigestMonth(2026, 3), month);
        Assert.Equal("2026-03", month.ToString());
        Assert.Equal("2025-12", month.Previous().Previous().Previous().ToString());
        Assert.Equal("2027-01", new DigestMonth(2026, 12).Next().ToString());
    }

    [Theory]
    [InlineData("2026-3")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("26-03")]
    [InlineData("2026-03-01")]
    [InlineData("2026/03")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotYearDashMonth_Fails(string? value)
    {
        Assert.False(DigestMonth.TryParse(value, out _));
    }
}

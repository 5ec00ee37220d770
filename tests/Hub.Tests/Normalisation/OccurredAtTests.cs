using Mellanrum.Hub.Normalisation;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Normalisation;

/// <summary>Stockholm local times around the summer-time changes of 2026 (29 March and 25 October).</summary>
public sealed class OccurredAtTests
{
    private static readonly DateTimeOffset November = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-03-29T00:00", "2026-03-28T23:00:00Z")]
    [InlineData("2026-03-29T01:59:59", "2026-03-29T00:59:59Z")]
    [InlineData("2026-03-29T03:00", "2026-03-29T01:00:00Z")]
    [InlineData("2026-10-25T00:00", "2026-10-24T22:00:00Z")]
    [InlineData("2026-10-25T02:30", "2026-10-25T00:30:00Z")]
    [InlineData("2026-10-25T03:00", "2026-10-25T02:00:00Z")]
    [InlineData("2026-03-29", "2026-03-28T23:00:00Z")]
    [InlineData("2026-10-25", "2026-10-24T22:00:00Z")]
    [InlineData("2026-03-29T02:30:00+01:00", "2026-03-29T01:30:00Z")]
    [InlineData("2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00Z")]
    public void Normalise_SummerTimeEdge_GivesTheUtcInstant(string local, string utc)
    {
        var result = Normalise(Update(local), now: November);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), result.Update!.OccurredAt);
        Assert.Equal(TimeSpan.Zero, result.Update.OccurredAt.Offset);
    }

    [Theory]
    [InlineData("2026-03-29T02:00")]
    [InlineData("2026-03-29T02:30")]
    [InlineData("2026-03-29T02:59:59")]
    public void Normalise_SkippedHourOn29March_IsRefusedNamingOccurredAt(string local)
    {
        var result = Normalise(Update(local), now: November);

        var error = Assert.Single(result.Errors);
        Assert.Equal("occurredAt", error.Property);
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
        Assert.Equal(local, error.Value);
    }

    [Fact]
    public void Normalise_RepeatedHourOn25October_TakesTheFirstInstant()
    {
        var result = Normalise(Update("2026-10-25T02:30"), now: November);

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), result.Update!.OccurredAt);
    }

    [Theory]
    [InlineData("2026-04-02T09:59:59Z")]
    [InlineData("2026-04-02T10:00:00Z")]
    public void Normalise_UpToADayAhead_IsAccepted(string time)
    {
        Assert.True(Normalise(Update(time)).IsValid);
    }

    [Fact]
    public void Normalise_MoreThanADayAhead_IsRefused()
    {
        var error = Assert.Single(Normalise(Update("2026-04-02T10:00:01Z")).Errors);

        Assert.Equal("occurredAt", error.Property);
    }

    [Theory]
    [InlineData("2026-03-19T09:00:00+01:00")]
    [InlineData("2026-03-19T08:00:00Z")]
    [InlineData("2026-03-19t08:00:00z")]
    [InlineData("2026-03-19 09:00:00+01:00")]
    [InlineData("2026-03-19T03:30:00-04:30")]
    [InlineData("2026-03-19T09:00")]
    public void TryParse_Rfc3339AndLocalForms_GiveTheSameInstant(string text)
    {
        Assert.Equal(TimeProblem.None, OccurredAtParser.TryParse(text, out var utc));
        Assert.Equal(new DateTimeOffset(2026, 3, 19, 8, 0, 0, TimeSpan.Zero), utc);
    }

    [Theory]
    [InlineData("19/03/2026")]
    [InlineData("2026-02-30")]
    [InlineData("2026-03-19T24:00")]
    [InlineData("2026-03-19T09:00:60Z")]
    [InlineData("2026-03-19T09:00:00+0100")]
    [InlineData("2026-03-19T09:00:00.Z")]
    [InlineData("")]
    public void TryParse_OtherForms_AreUnreadable(string text)
    {
        Assert.Equal(TimeProblem.Unreadable, OccurredAtParser.TryParse(text, out _));
    }

    private static string Update(string occurredAt) =>
        $$"""{"collaboration":"e-arkiv-sodertorn","kind":"decision","title":"Beslut","occurredAt":"{{occurredAt}}"}""";
}

using System.Text.Json;
using Azure.Data.Tables;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Updates;

/// <summary>The one reader of stored update rows, and the Stockholm day and month an update's index rows fall in.</summary>
public sealed class StoredUpdateTests
{
    private static NormalisedUpdate Update(DateTimeOffset occurredAt) => NormalisedUpdate.Create(
        "nrow6eustddetg6eqcus6fsuc4",
        "nacka-diarium",
        "0182",
        new CanonicalUpdate("DNR-2026-0412", "e-arkiv-sodertorn", "decision", "Beslut om gemensam upphandling av e-arkiv", "Södertörns kommuner upphandlar e-arkiv.", "active", "digitalisering", ["0136", "0138"], occurredAt, [new UpdateLink("Protokoll", "https://www.nacka.se/protokoll")], ["e-arkiv"]),
        DateTimeOffset.Parse("2026-03-19T08:00:05Z"));

    [Fact]
    public void Read_ARowTheStoreWrote_GivesTheUpdateItsSequenceAndItsTrace()
    {
        var update = Update(DateTimeOffset.Parse("2026-03-19T09:00:00+01:00"));
        var row = new TableEntity(update.Id, "u")
        {
            [StoredUpdate.JsonColumn] = JsonSerializer.Serialize(update, HubJson.Options),
            [StoredUpdate.SequenceColumn] = 7L,
            [StoredUpdate.TraceParentColumn] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            [StoredUpdate.TraceStateColumn] = "mellanrum=1",
        };

        var stored = StoredUpdate.Read(row);

        Assert.Equal(7, stored.Sequence);
        Assert.Equal("Beslut om gemensam upphandling av e-arkiv", stored.Update.Title);
        Assert.Equal(["0136", "0138", "0182"], stored.Update.Participants.Order(StringComparer.Ordinal));
        Assert.Equal(DateTimeOffset.Parse("2026-03-19T08:00:00Z"), stored.Update.OccurredAt);
        Assert.Equal(TimeSpan.Zero, stored.Update.OccurredAt.Offset);
        Assert.Equal("https://www.nacka.se/protokoll", Assert.Single(stored.Update.Links).Url);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", stored.Trace.Parent);
        Assert.Equal("mellanrum=1", stored.Trace.State);
    }

    [Fact]
    public void Read_ARowOfBeforeSequencesAndTraces_HasNeither()
    {
        var update = Update(DateTimeOffset.Parse("2026-03-19T09:00:00+01:00"));
        var stored = StoredUpdate.Read(new TableEntity(update.Id, "u") { [StoredUpdate.JsonColumn] = JsonSerializer.Serialize(update, HubJson.Options) });

        Assert.Null(stored.Sequence);
        Assert.True(stored.Trace.IsEmpty);
        Assert.Equal(update.Id, stored.Update.Id);
    }

    [Fact]
    public void Read_ARowWithoutJson_SaysWhichRow()
    {
        var failure = Assert.Throws<InvalidDataException>(() => StoredUpdate.Read(new TableEntity("nrow6eustddetg6eqcus6fsuc4", "u")));
        Assert.Contains("nrow6eustddetg6eqcus6fsuc4/u", failure.Message);
    }

    [Theory]
    [InlineData("2026-09-30T22:30:00Z", "2026-10", "2026-10-01")] // 00:30 on 1 October in Stockholm (summer time)
    [InlineData("2026-10-31T23:30:00Z", "2026-11", "2026-11-01")] // 00:30 on 1 November in Stockholm (winter time)
    [InlineData("2026-10-31T22:30:00Z", "2026-10", "2026-10-31")] // 23:30 on 31 October in Stockholm
    [InlineData("2026-12-31T23:00:00Z", "2027-01", "2027-01-01")] // midnight of the new year
    public void MonthAndDay_AreStockholmsNotUtcs(string instant, string month, string day)
    {
        var at = DateTimeOffset.Parse(instant);
        Assert.Equal(month, UpdateMonthIndex.MonthOf(at));
        Assert.Equal(day, UpdateMonthIndex.Partition(at));
    }
}

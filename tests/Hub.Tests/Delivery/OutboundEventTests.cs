using System.Text.Json;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Delivery;

public sealed class OutboundEventTests
{
    private static readonly NormalisedUpdate Update = new(
        "aaaaaaaaaaaaaaaaaaaaaaaaaa", "nacka-diarium", "KS-1", "0182", "e-arkiv-sodertorn", "decision", "Beslut om e-arkiv", null, "active", "digitalisering",
        ["0127", "0182"], DateTimeOffset.Parse("2026-03-19T08:00:00Z"), DateTimeOffset.Parse("2026-03-19T08:00:03Z"), [], ["e-arkiv"]);

    [Fact]
    public void From_Update_IsTheContractsCloudEvent()
    {
        var e = JsonDocument.Parse(OutboundEvent.From(Update, 7).Body).RootElement;
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal(Update.Id, e.GetProperty("id").GetString());
        Assert.Equal("/sources/nacka-diarium", e.GetProperty("source").GetString());
        Assert.Equal("se.samverkan.update", e.GetProperty("type").GetString());
        Assert.Equal("e-arkiv-sodertorn", e.GetProperty("subject").GetString());
        Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-03-19T08:00:00Z"), e.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("0182", e.GetProperty("organisation").GetString());
        Assert.Equal("e-arkiv-sodertorn", e.GetProperty("collaboration").GetString());
        Assert.Equal("decision", e.GetProperty("kind").GetString());
        Assert.Equal("digitalisering", e.GetProperty("area").GetString());
        Assert.Equal("7", e.GetProperty("sequence").GetString());
        Assert.Equal("Beslut om e-arkiv", e.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("2026-03-19T08:00:00Z", e.GetProperty("data").GetProperty("occurredAt").GetString());
    }

    [Fact]
    public void ToMessage_ServiceBus_CarriesIdSubjectAndRoutingProperties()
    {
        var message = ServiceBusChannel.ToMessage(OutboundEvent.From(Update, 7));
        Assert.Equal(Update.Id, message.MessageId);
        Assert.Equal("decision", message.Subject);
        Assert.Equal("application/cloudevents+json", message.ContentType);
        Assert.Equal("0182", message.ApplicationProperties["organisation"]);
        Assert.Equal("e-arkiv-sodertorn", message.ApplicationProperties["collaboration"]);
        Assert.Equal("decision", message.ApplicationProperties["kind"]);
        Assert.Equal("digitalisering", message.ApplicationProperties["area"]);
    }
}

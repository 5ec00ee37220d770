using System.Text;
using Mellanrum.Hub.Ingest;

namespace Mellanrum.Hub.Tests.Ingest;

public sealed class PayloadReaderTests
{
    private const string Update = """{"collaboration":"e-arkiv-sodertorn","kind":"decision","title":"Beslut","occurredAt":"2026-03-19T09:00:00+01:00"}""";
    private static readonly Dictionary<string, string> NoHeaders = [];

    private static ReadOnlyMemory<byte> Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public void Read_JsonContentType_ReturnsUpdate(string contentType)
    {
        var (payload, problem) = PayloadReader.Read(contentType, NoHeaders, Bytes(Update));
        Assert.Null(problem);
        Assert.Equal("e-arkiv-sodertorn", payload!.Update.GetProperty("collaboration").GetString());
        Assert.Null(payload.CloudEventId);
    }

    [Fact]
    public void Read_CloudEventsStructured_UnwrapsDataAndId()
    {
        var envelope = $$"""{"specversion":"1.0","id":"ce-42","source":"/nacka/diarium","type":"se.nacka.arende","datacontenttype":"application/json","data":{{Update}}}""";
        var (payload, problem) = PayloadReader.Read("application/cloudevents+json; charset=utf-8", NoHeaders, Bytes(envelope));
        Assert.Null(problem);
        Assert.Equal("ce-42", payload!.CloudEventId);
        Assert.Equal("decision", payload.Update.GetProperty("kind").GetString());
    }

    [Fact]
    public void Read_CloudEventsStructuredMissingAttributes_Answers422NamingEach()
    {
        var envelope = """{"specversion":"0.3","data":"text"}""";
        var (_, problem) = PayloadReader.Read("application/cloudevents+json", NoHeaders, Bytes(envelope));
        Assert.Equal(422, problem!.Status);
        Assert.Equal(["specversion", "id", "source", "type", "data"], problem.InvalidParameters.Select(p => p.Property));
    }

    [Fact]
    public void Read_CloudEventsBinaryMode_TakesIdFromHeaders()
    {
        var headers = new Dictionary<string, string> { ["ce-specversion"] = "1.0", ["ce-id"] = "ce-7", ["ce-source"] = "/nacka", ["ce-type"] = "se.nacka.arende" };
        var (payload, problem) = PayloadReader.Read("application/json", headers, Bytes(Update));
        Assert.Null(problem);
        Assert.Equal("ce-7", payload!.CloudEventId);
    }

    [Fact]
    public void Read_CloudEventsBinaryModeMissingHeaders_Answers422NamingEach()
    {
        var headers = new Dictionary<string, string> { ["ce-specversion"] = "1.0" };
        var (_, problem) = PayloadReader.Read("application/json", headers, Bytes(Update));
        Assert.Equal(422, problem!.Status);
        Assert.Equal(["ce-id", "ce-source", "ce-type"], problem.InvalidParameters.Select(p => p.Property));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData(null)]
    [InlineData("not a media type")]
    public void Read_UnsupportedContentType_Answers415(string? contentType) =>
        Assert.Equal(415, PayloadReader.Read(contentType, NoHeaders, Bytes(Update)).Problem!.Status);

    [Theory]
    [InlineData("{\"collaboration\":")]
    [InlineData("")]
    [InlineData("\u00ff\u00fe")]
    public void Read_UnreadableJson_Answers400(string body) =>
        Assert.Equal(400, PayloadReader.Read("application/json", NoHeaders, Bytes(body)).Problem!.Status);

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0xc0, 0xaf })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    [InlineData(new byte[] { 0xe2, 0x80 })]
    public void Read_InvalidUtf8InAString_Answers400_InsteadOfReplacingIt(byte[] broken)
    {
        var (before, after) = (Update[..(Update.IndexOf("Beslut", StringComparison.Ordinal))], Update[(Update.IndexOf("Beslut", StringComparison.Ordinal) + "Beslut".Length)..]);
        byte[] body = [.. Encoding.UTF8.GetBytes(before), .. broken, .. Encoding.UTF8.GetBytes(after)];
        Assert.Equal(400, PayloadReader.Read("application/json", NoHeaders, body).Problem!.Status);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/cloudevents+json")]
    public void Read_APropertyNamedTwice_Answers400(string contentType)
    {
        var twice = Update.Replace("\"title\":\"Beslut\"", "\"title\":\"Beslut\",\"title\":\"Annat\"", StringComparison.Ordinal);
        var body = contentType == "application/json" ? twice : $$"""{"specversion":"1.0","id":"ce-1","source":"/nacka","type":"t","data":{{twice}}}""";
        Assert.Equal(400, PayloadReader.Read(contentType, NoHeaders, Bytes(body)).Problem!.Status);
    }
}

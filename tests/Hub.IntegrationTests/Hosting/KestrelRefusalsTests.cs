using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>What <see cref="KestrelRefusals"/> changes on a connection: a bare refusal of Kestrel's, and nothing else.</summary>
public sealed class KestrelRefusalsTests
{
    private const string Refusal = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Dec 2026 12:00:00 GMT\r\nServer: Kestrel\r\n\r\n";

    private static (string Head, JsonElement Body) Split(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (text[..end], JsonDocument.Parse(text[(end + 4)..]).RootElement.Clone());
    }

    [Fact]
    public void Rewrite_BareRefusal_IsTheSameAnswerWithAProblemBody()
    {
        var (head, body) = Split(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes(Refusal))!);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length: 0", head, StringComparison.Ordinal);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("/", body.GetProperty("instance").GetString());
        var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal))["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Encoding.UTF8.GetByteCount(body.GetRawText()), length);
    }

    [Theory]
    [InlineData("414 URI Too Long", 414)]
    [InlineData("431 Request Header Fields Too Large", 431)]
    [InlineData("408 Request Timeout", 408)]
    [InlineData("505 HTTP Version Not Supported", 400)]
    public void Rewrite_EachRefusal_KeepsItsStatus_ButA505IsA400(string statusLine, int status)
    {
        var (head, body) = Split(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes(Refusal.Replace("400 Bad Request", statusLine, StringComparison.Ordinal)))!);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 204 No Content\r\nDate: Tue, 01 Dec 2026 12:00:00 GMT\r\n\r\n")]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\nContent-Type: application/problem+json\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n")]
    [InlineData("{\"title\":\"HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\n\\r\\n\"}")]
    [InlineData("\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000")]
    public void Rewrite_AnythingElse_IsLeftAsWritten(string written) =>
        Assert.Null(KestrelRefusals.Rewrite(Encoding.ASCII.GetBytes(written)));
}

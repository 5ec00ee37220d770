using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>Queue and timer functions invoked over the protocol with the trigger data the Functions host sends.</summary>
[Collection(WorkerCollection.Name)]
public sealed class QueueAndTimerTests(WorkerFixture fixture)
{
    [Fact]
    public async Task FanoutMessage_ForAnUnknownUpdate_Completes()
    {
        var updateId = "upd_" + Guid.NewGuid().ToString("N");

        var result = await fixture.Worker.InvokeQueueAsync("FanOut", $$"""{"updateId":"{{updateId}}"}""");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(result.Logs, l => l.Level == "Warning" && l.Message.Contains(updateId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FanoutMessage_ThatIsNotJson_Fails_WithTheParserError()
    {
        var result = await fixture.Worker.InvokeQueueAsync("FanOut", "not json");

        // Under the Functions host this message would be retried, then moved to fanout-poison.
        Assert.Equal(InvocationStatus.Failed, result.Status);
        Assert.Contains("JsonException", result.ExceptionType ?? result.ExceptionMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedInboundMessage_Completes_AndIsKeptAsAnUnattributedRejection()
    {
        var marker = "garbage-" + Guid.NewGuid().ToString("N");

        var result = await fixture.Worker.InvokeQueueAsync("IngestQueuedUpdate", "this is not json " + marker);

        Assert.True(result.Succeeded, result.ToString());
        using var response = await fixture.Worker.InvokeHttpAsync(
            "ListRejections",
            WorkerFixture.Request(HttpMethod.Get, "/api/v1/sources/_unattributed/rejections", WorkerFixture.AdminKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rejections = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
        var rejection = Assert.Single(rejections, r => r.GetProperty("body").GetString()!.Contains(marker, StringComparison.Ordinal));
        Assert.Equal(400, rejection.GetProperty("status").GetInt32());
        Assert.Equal("queue", rejection.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task FanoutSweepTimer_Runs()
    {
        var result = await fixture.Worker.InvokeTimerAsync("SweepFanout");

        Assert.True(result.Succeeded, result.ToString());
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>Queue ingest on a real Azurite queue, run by Hub.Local's poller as the Functions host would.</summary>
public sealed class QueueIngestTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private QueueClient Inbound => new(hub.Azurite.ConnectionString, "inbound-updates", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    private async Task<JsonElement[]> RejectionsAsync(string sourceId)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{sourceId}/rejections"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
    }

    private async Task<JsonElement?> CollaborationAsync(string id)
    {
        using var response = await hub.Client.GetAsync($"/api/v1/collaborations/{id}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private static string Message(string sourceId, string update) =>
        $$"""{"sourceId":"{{sourceId}}","contentType":"application/json","body":{{update}}}""";

    [Fact]
    public async Task PlainTextMessage_FromQueueSource_IsStored()
    {
        await hub.RegisterSourceAsync("solna-queue", "0184", new { queueIngest = true });
        await Inbound.CreateIfNotExistsAsync();
        await Inbound.SendMessageAsync(Message("solna-queue", Payloads.Canonical("Q-1", "koade-samverkan")));

        var collaboration = await LocalHubFixture.EventuallyAsync(() => CollaborationAsync("koade-samverkan"), what: "the queued update to be stored");
        Assert.Contains("0184", collaboration!.Value.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("organisation").GetString()));
    }

    [Fact]
    public async Task Base64Message_IsAcceptedToo()
    {
        await hub.RegisterSourceAsync("sundbyberg-queue", "0183", new { queueIngest = true });
        await Inbound.CreateIfNotExistsAsync();
        var text = Message("sundbyberg-queue", Payloads.Canonical("Q-B64", "base64-samverkan"));
        await Inbound.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

        await LocalHubFixture.EventuallyAsync(() => CollaborationAsync("base64-samverkan"), what: "the Base64 message to be stored");
    }

    [Fact]
    public async Task InvalidUpdateOnQueue_IsKeptAsRejection_WithItsReasons()
    {
        await hub.RegisterSourceAsync("sollentuna-queue", "0163", new { queueIngest = true });
        await Inbound.CreateIfNotExistsAsync();
        await Inbound.SendMessageAsync(Message("sollentuna-queue", """{"collaboration":"x","kind":"beslut??","title":"T","occurredAt":"2026-01-01"}"""));

        var rejections = await LocalHubFixture.EventuallyAsync(async () => await RejectionsAsync("sollentuna-queue") is { Length: > 0 } r ? r : null, what: "the rejection");
        Assert.Equal("queue", rejections[0].GetProperty("channel").GetString());
        Assert.Contains(rejections[0].GetProperty("reasons").EnumerateArray(), r => r.GetProperty("property").GetString() == "kind");
    }

    [Fact]
    public async Task GarbageMessage_IsKeptAsUnattributedRejection_NotLost()
    {
        await Inbound.CreateIfNotExistsAsync();
        var marker = "garbage-" + Guid.NewGuid().ToString("N");
        await Inbound.SendMessageAsync("this is not json " + marker);

        var rejections = await LocalHubFixture.EventuallyAsync(
            async () => await RejectionsAsync("_unattributed") is var r && r.Any(x => x.GetProperty("body").GetString()!.Contains(marker)) ? r : null,
            what: "the unattributed rejection");
        Assert.Contains(rejections, r => r.GetProperty("body").GetString()!.Contains(marker) && r.GetProperty("status").GetInt32() == 400);
    }

    [Fact]
    public async Task MessageForSourceWithoutQueueIngest_IsKeptAsRejection()
    {
        await hub.RegisterSourceAsync("taby-http-only", "0160");
        await Inbound.CreateIfNotExistsAsync();
        await Inbound.SendMessageAsync(Message("taby-http-only", Payloads.Canonical("Q-2", "taby-samverkan")));

        var rejections = await LocalHubFixture.EventuallyAsync(async () => await RejectionsAsync("taby-http-only") is { Length: > 0 } r ? r : null, what: "the rejection");
        Assert.Contains("not registered for queue ingest", rejections[0].GetProperty("reasons")[0].GetProperty("reason").GetString());
        Assert.Null(await CollaborationAsync("taby-samverkan"));
    }

    [Fact]
    public async Task RejectedQueueMessage_RetriedAfterSourceIsFixed_IsStored()
    {
        await hub.RegisterSourceAsync("jarfalla-queue", "0123");
        await Inbound.CreateIfNotExistsAsync();
        await Inbound.SendMessageAsync(Message("jarfalla-queue", Payloads.Canonical("Q-3", "jarfalla-samverkan")));
        var rejection = (await LocalHubFixture.EventuallyAsync(async () => await RejectionsAsync("jarfalla-queue") is { Length: > 0 } r ? r : null))[0];

        using var fix = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/sources/jarfalla-queue", new { organisation = "0123", name = "Järfälla", queueIngest = true }));
        fix.EnsureSuccessStatusCode();
        using var retry = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/sources/jarfalla-queue/rejections/{rejection.GetProperty("id").GetString()}/retry"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, retry.StatusCode);
        Assert.NotNull(await CollaborationAsync("jarfalla-samverkan"));
    }
}

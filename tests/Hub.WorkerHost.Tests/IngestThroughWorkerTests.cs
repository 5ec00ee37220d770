using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// One update's way in, entirely through the worker: a source registered over HTTP, a Standard Webhooks signed post
/// (the signature covers the exact body bytes, so the proxying must keep them), the fan-out message the worker queued,
/// handed back to the worker's queue function as the Functions host would, and the stored update read back.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class IngestThroughWorkerTests(WorkerFixture fixture)
{
    private const string Body = """
        {"externalId":"WH-2026-0042","collaboration":"e-arkiv-workerhost","kind":"beslut",
         "title":"Beslut om gemensam upphandling av e-arkiv","status":"pågår","area":"IT",
         "participants":["Haninge","0127","Tyresö kommun"],"occurredAt":"2026-03-19 09:00"}
        """;

    [Fact]
    public async Task SignedPost_IsStored_AndItsFanoutMessage_CompletesInTheWorker()
    {
        using var put = await fixture.Worker.InvokeHttpAsync(
            "PutSource",
            WorkerFixture.Request(HttpMethod.Put, "/api/v1/admin/sources/nacka-workerhost", WorkerFixture.AdminKey, JsonContent.Create(new { organisation = "0182", name = "Nacka via the worker" })));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var secret = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;

        using var post = await fixture.Worker.InvokeHttpAsync("PostUpdate", Signed("/api/v1/sources/nacka-workerhost/updates", secret, Body));

        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var location = post.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/updates/", location, StringComparison.Ordinal);
        var updateId = location["/api/v1/updates/".Length..];

        var fanout = new QueueClient(fixture.Azurite.ConnectionString, fixture.Worker.Resolve("%HubFanoutQueue%"), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queued = (await fanout.ReceiveMessagesAsync(maxMessages: 32)).Value.Single(m => m.MessageText.Contains(updateId, StringComparison.Ordinal));
        var result = await fixture.Worker.InvokeQueueAsync("FanOut", queued.MessageText, queued.DequeueCount);
        Assert.True(result.Succeeded, result.ToString());
        await fanout.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);

        using var read = await fixture.Worker.InvokeHttpAsync("GetUpdate", WorkerFixture.Request(HttpMethod.Get, location));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var update = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(updateId, update.GetProperty("id").GetString());
        Assert.Equal("decision", update.GetProperty("kind").GetString());
        Assert.Equal(["0127", "0136", "0138", "0182"], update.GetProperty("participants").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Equal("2026-03-19T08:00:00Z", update.GetProperty("occurredAt").GetString());
    }

    /// <summary>A Standard Webhooks signature: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the secret's bytes.</summary>
    private static HttpRequestMessage Signed(string path, string secret, string body)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        var request = WorkerFixture.Request(HttpMethod.Post, path, content: new StringContent(body, Encoding.UTF8, "application/json"));
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", "v1," + signature);
        return request;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>
/// SIGTERM while a fan-out waits for its predecessor and a webhook hangs on a slow endpoint: Hub.Local exits within
/// 10 s, leaves both for redelivery (nothing half-done, nothing lost), and a restart on the same data finishes them.
/// </summary>
public sealed class HubLocalShutdownTests
{
    private const string AdminKey = "shutdown-admin-key-0123456789abcdef";
    private static readonly Dictionary<string, string?> Settings = new() { ["Hub:AdminKey"] = AdminKey };

    [Fact]
    public async Task Sigterm_WhileAFanoutWaitsAndAWebhookHangs_ExitsWithinTenSeconds_AndARestartFinishesBoth()
    {
        var data = Directory.CreateTempSubdirectory("mellanrum-shutdown-").FullName;
        var (http, blob, queue, table) = (AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());
        string[] Args(string patience) =>
        [
            "--urls", $"http://127.0.0.1:{http}", $"--Local:DataFolder={data}",
            $"--Local:Azurite:BlobPort={blob}", $"--Local:Azurite:QueuePort={queue}", $"--Local:Azurite:TablePort={table}",
            "--Hub:Webhooks:AllowPrivateTargets=true", "--Hub:Webhooks:Timeout=00:01:00", "--Hub:Fanout:Grace=01:00:00",
            $"--Hub:Fanout:OrderingPatience={patience}", "--Hub:Ingest:RatePerSecond=0",
        ];
        var storage = AzuriteProcess.ConnectionStringFor(blob, queue, table);
        var hub = await HubLocalProcess.StartAsync(Args("00:05:00"), Settings);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            var source = await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/sources/nacka-shutdown", new { organisation = "0182", name = "Nacka" });
            await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/partners/sd-queue", new { organisation = "0138", channels = new[] { new { type = "queue" } } });
            var webhookPartner = await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/partners/sd-hook", new { organisation = "0127", channels = new[] { new { type = "webhook", url = "https://example.se/placeholder" } } });
            await using var hookReceiver = await WebhookReceiver.StartAsync(webhookPartner.GetProperty("webhookSecret").GetString()!);
            await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/partners/sd-hook", new { organisation = "0127", channels = new[] { new { type = "webhook", url = hookReceiver.Url("/hang") } } });
            var key = source.GetProperty("key").GetString()!;

            // A webhook that hangs on its endpoint.
            var hooked = await PostAsync(client, key, "SD-HOOK-1", "sd-samverkan-hook", "0127");
            await hookReceiver.HangingArrived.WaitAsync(TimeSpan.FromSeconds(30));

            // A fan-out waiting for its predecessor: sequence 1 is fanned out, then the collaboration skips to 5, so
            // sequence 6 waits (up to the patience, five minutes) for a 5 that never comes.
            await PostAsync(client, key, "SD-WAIT-1", "sd-samverkan-wait", "0138");
            var partnerQueue = new QueueClient(storage, "partner-sd-queue");
            await LocalHubFixture.EventuallyAsync(async () => (await partnerQueue.ExistsAsync()).Value && (await partnerQueue.PeekMessagesAsync(10)).Value.Length == 1 ? "first" : null, what: "the first fan-out");
            var collaborations = new TableClient(storage, "hubCollaborations");
            await collaborations.UpdateEntityAsync(new TableEntity("sd-samverkan-wait", "c") { ["LastSequence"] = 5L }, Azure.ETag.All, TableUpdateMode.Merge);
            var waiting = await PostAsync(client, key, "SD-WAIT-6", "sd-samverkan-wait", "0138");
            // The fanout message is taken (invisible) while its fan-out waits.
            var fanout = new QueueClient(storage, "fanout");
            await LocalHubFixture.EventuallyAsync(async () => (await fanout.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1 && (await fanout.PeekMessagesAsync()).Value.Length == 0 ? "taken" : null, what: "the fan-out to wait");

            var stopped = Stopwatch.StartNew();
            hub.Signal("TERM");
            await hub.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            stopped.Stop();
            Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10), $"Hub.Local took {stopped.Elapsed.TotalSeconds:F1} s to stop:\n{hub.Output}");
            Assert.Equal(0, hub.Process.ExitCode);
            Assert.DoesNotContain(hookReceiver.Received, r => r.WebhookId == hooked && r.Status == 200);

            // Restarted (its ordering patience now short): the waiting fan-out goes ahead, the webhook is sent again.
            hookReceiver.ReleaseHanging();
            var before = hub.Output;
            hub.Dispose();
            hub = await HubLocalProcess.StartAsync(Args("00:00:01"), Settings);
            try
            {
                await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(hookReceiver.Received.Any(r => r.WebhookId == hooked && r.Status == 200 && r.SignatureValid) ? "delivered" : null), TimeSpan.FromSeconds(30), "the webhook after the restart");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException(e.Message + "\n" + before + "\n----\n" + hub.Output + "\n" + string.Join("\n", hookReceiver.Received), e);
            }
            var events = await LocalHubFixture.EventuallyAsync(async () =>
            {
                var messages = (await partnerQueue.PeekMessagesAsync(10)).Value;
                return messages.Length >= 2 ? messages : null;
            }, TimeSpan.FromSeconds(60), "the waiting fan-out after the restart");
            Assert.Equal(1, events.Count(m => JsonDocument.Parse(m.MessageText).RootElement.GetProperty("id").GetString() == waiting));
            Assert.Equal(2, events.Length);
        }
        finally
        {
            hub.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<JsonElement> AdminAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    private static async Task<string> PostAsync(HttpClient client, string key, string externalId, string collaboration, string participant)
    {
        var body = JsonSerializer.Serialize(new { externalId, collaboration, kind = "decision", title = "Uppdatering " + externalId, area = "digitalisering", participants = new[] { participant }, occurredAt = "2026-03-19T09:00:00+01:00" });
        using var response = await client.SendAsync(LocalHubFixture.WithKey("nacka-shutdown", key, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }
}

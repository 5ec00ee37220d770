using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Delivery;

/// <summary>
/// Nothing lost, nothing doubled: a partner whose channel fails never costs the others a duplicate or a delay, what keeps
/// failing ends as a visible, replayable dead letter, and webhooks keep their collaboration's order through failures.
/// </summary>
public sealed class DeliveryReliabilityTests(ReliabilityHubFixture hub) : IClassFixture<ReliabilityHubFixture>
{
    private async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, object[] channels)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private async Task<string> PostAsync(RegisteredSource source, string body)
    {
        using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }

    private static string Update(string externalId, string collaboration, string[] participants) =>
        JsonSerializer.Serialize(new { externalId, collaboration, kind = "decision", title = "Uppdatering " + externalId, area = "digitalisering", participants, occurredAt = "2026-03-19T09:00:00+01:00" });

    private async Task<JsonElement> DeliveriesAsync(string partnerId)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/partners/{partnerId}/deliveries?limit=100"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<JsonElement> DeadLetterAsync(string partnerId, string updateId, string channel) =>
        LocalHubFixture.EventuallyAsync(async () =>
        {
            var letters = (await DeliveriesAsync(partnerId)).GetProperty("deadLetters").EnumerateArray()
                .Where(d => d.GetProperty("updateId").GetString() == updateId && d.GetProperty("channel").GetString() == channel).ToArray();
            return letters.Length > 0 ? (JsonElement?)letters[0] : null;
        }, TimeSpan.FromSeconds(60), $"the {channel} dead letter of {partnerId}").ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    private async Task<int> CountQueueAsync(string name) =>
        (await new QueueClient(hub.Azurite.ConnectionString, name).PeekMessagesAsync(32)).Value.Length;

    [Fact]
    public async Task FullServiceBusQueue_DeadLettersAfterItsSchedule_OtherPartnersGetTheUpdateExactlyOnce_ReplayDeliversIt()
    {
        hub.Broker.CreateQueue("partner-rel-full");
        hub.Broker.CreateQueue("partner-rel-big");
        hub.Broker.CreateQueue("partner-rel-fine");
        hub.Broker.RefuseSends("partner-rel-full", "amqp:resource-limit-exceeded");
        hub.Broker.RefuseSends("partner-rel-big", "amqp:link:message-size-exceeded");
        var source = await hub.RegisterSourceAsync("nacka-rel-sb", "0182");
        await RegisterPartnerAsync("rel-full", "0138", [new { type = "servicebus" }]);
        await RegisterPartnerAsync("rel-big", "0127", [new { type = "servicebus" }]);
        await RegisterPartnerAsync("rel-fine", "0136", [new { type = "servicebus" }]);
        await RegisterPartnerAsync("rel-queue", "0126", [new { type = "queue" }]);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);

        var id = await PostAsync(source, Update("REL-SB-1", "rel-samverkan-sb", ["0138", "0127", "0136", "0126"]));

        // The partner that stopped reading: retried on the schedule (4 attempts here), then a dead letter it can see.
        var full = await DeadLetterAsync("rel-full", id, "servicebus");
        Assert.Equal(4, full.GetProperty("attempts").GetInt32());
        Assert.True(full.GetProperty("reason").GetString()!.Contains("QuotaExceeded", StringComparison.Ordinal), full.GetProperty("reason").GetString());
        // An event too large for the queue: retrying cannot help, a dead letter at once.
        var big = await DeadLetterAsync("rel-big", id, "servicebus");
        Assert.Equal(1, big.GetProperty("attempts").GetInt32());
        Assert.Contains("size limit", big.GetProperty("reason").GetString());

        // Everyone else got it once: no retry or sweep sent it to them again.
        var ledger = hub.App.Services.GetRequiredService<FanoutLedger>();
        Assert.True((await ledger.ReadAsync(id, CancellationToken.None))!.Done);
        Assert.Equal([id], hub.Broker.Peek("partner-rel-fine").Select(m => m.MessageId));
        Assert.Equal(1, await CountQueueAsync("partner-rel-queue"));
        Assert.Equal(0, hub.Broker.CountActive("partner-rel-full"));

        // The partner reads again; the operator replays; the dead letter is delivered and leaves the list.
        hub.Broker.RefuseSends("partner-rel-full", null);
        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        using var replay = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/partners/rel-full/deliveries/replay?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Single(hub.Broker.Peek("partner-rel-full"));
        Assert.Equal(0, (await DeliveriesAsync("rel-full")).GetProperty("deadLetters").GetArrayLength());
        Assert.Equal([id], hub.Broker.Peek("partner-rel-fine").Select(m => m.MessageId));
    }

    [Fact]
    public async Task ServiceBusSendFailsForAWhile_LaterUpdatesWaitBehindItsRetry_ThePartnerGetsOneToThreeInOrder_OthersAreNotHeld()
    {
        hub.Broker.CreateQueue("partner-rel-chain");
        hub.Broker.CreateQueue("partner-rel-chain-other");
        hub.Broker.RefuseSends("partner-rel-chain", "amqp:resource-limit-exceeded");
        var source = await hub.RegisterSourceAsync("nacka-rel-chain", "0182");
        await RegisterPartnerAsync("rel-chain", "0138", [new { type = "servicebus" }]);
        await RegisterPartnerAsync("rel-chain-other", "0127", [new { type = "servicebus" }]);

        // The first send fails and waits a second for its retry; the next two would overtake it if sent directly.
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add(await PostAsync(source, Update($"CHAIN-{i}", "rel-samverkan-chain", ["0138", "0127"])));
        }

        // The other partner is not held back: all three, in order, while the first one is still owed.
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(hub.Broker.CountActive("partner-rel-chain-other") == 3 ? "three" : null), what: "the other partner's three");
        Assert.Equal(ids, hub.Broker.Peek("partner-rel-chain-other").Select(m => m.MessageId));
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(hub.Broker.CountRefused("partner-rel-chain") >= 2 ? "refused" : null), what: "two refused attempts");
        Assert.Equal(0, hub.Broker.CountActive("partner-rel-chain"));
        hub.Broker.RefuseSends("partner-rel-chain", null);

        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(hub.Broker.CountActive("partner-rel-chain") >= 3 ? "three" : null), TimeSpan.FromSeconds(30), "the three after the outage");
        var received = hub.Broker.Peek("partner-rel-chain");
        Assert.Equal(ids, received.Select(m => m.MessageId));
        Assert.Equal([1L, 2L, 3L], received.Select(m => Convert.ToInt64(m.ApplicationProperties["sequence"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0, (await DeliveriesAsync("rel-chain")).GetProperty("deadLetters").GetArrayLength());
    }

    [Fact]
    public async Task WebhookUrlChangedWhileARetryWaits_TheRetryGoesToTheNewUrl()
    {
        var source = await hub.RegisterSourceAsync("nacka-rel-move", "0182");
        var partner = await RegisterPartnerAsync("rel-move", "0138", [new { type = "webhook", url = "https://example.se/placeholder" }]);
        await using var receiver = await WebhookReceiver.StartAsync(partner.GetProperty("webhookSecret").GetString()!);
        await RegisterPartnerAsync("rel-move", "0138", [new { type = "webhook", url = receiver.Url("/throttle") }]);

        var id = await PostAsync(source, Update("REL-MOVE-1", "rel-samverkan-move", ["0138"]));
        // 429 with Retry-After 7: the retry waits at least 7 s; meanwhile the partner moves its endpoint.
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(receiver.Received.Any(r => r.Path == "/throttle" && r.WebhookId == id) ? "throttled" : null), what: "the first attempt");
        await RegisterPartnerAsync("rel-move", "0138", [new { type = "webhook", url = receiver.Url("/ok") }]);

        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(receiver.Received.Any(r => r.Path == "/ok" && r.WebhookId == id && r.SignatureValid) ? "moved" : null), TimeSpan.FromSeconds(30), "the retry at the new URL");
        Assert.Equal(0, (await DeliveriesAsync("rel-move")).GetProperty("deadLetters").GetArrayLength());
    }

    [Fact]
    public async Task PoisonedDeliveryAndPoisonedFanout_BecomeVisibleDeadLetters()
    {
        var source = await hub.RegisterSourceAsync("nacka-rel-poison", "0182");
        await RegisterPartnerAsync("rel-poison", "0180", [new { type = "queue" }]);
        var storage = hub.App.Services.GetRequiredService<HubStorage>();

        // A webhook delivery that failed five times on storage errors, moved to deliveries-poison by the queue trigger.
        var delivery = new WebhookDeliveryMessage("rel-poison", "01jpoisoneddelivery0000000", "https://example.se/hook", 3, "{}", DateTimeOffset.UtcNow);
        var deliveriesPoison = new QueueClient(hub.Azurite.ConnectionString, storage.QueueName(HubStorage.DeliveriesQueue) + "-poison");
        await deliveriesPoison.CreateIfNotExistsAsync();
        await deliveriesPoison.SendMessageAsync(delivery.ToJson());
        var letter = await DeadLetterAsync("rel-poison", delivery.UpdateId, "webhook");
        Assert.Contains("failed every attempt", letter.GetProperty("reason").GetString());

        // A stored update whose fanout message failed every attempt: what it owed becomes dead letters, replayable.
        var ledger = hub.App.Services.GetRequiredService<FanoutLedger>();
        var update = NormalisedUpdate.Create(Ids.NewId(), source.Id, "0182",
            new CanonicalUpdate("POISON-1", "rel-samverkan-poison", "decision", "Förgiftad", null, null, "digitalisering", ["0180"], DateTimeOffset.UtcNow.AddHours(-1), [], []),
            DateTimeOffset.UtcNow);
        await ledger.OpenAsync(update.Id, CancellationToken.None);
        // Not yet due for the sweep (this fixture's grace is zero): the sweep's next run must not fan it out first.
        var outbox = await storage.TableAsync(HubStorage.OutboxTable);
        await outbox.UpsertEntityAsync(new TableEntity(FanoutLedger.OutboxShard(update.Id), update.Id) { ["DueAt"] = DateTimeOffset.UtcNow.AddHours(1) }, TableUpdateMode.Merge);
        await hub.App.Services.GetRequiredService<UpdateStore>().InsertAsync(update, CancellationToken.None);
        var fanoutPoison = new QueueClient(hub.Azurite.ConnectionString, storage.QueueName(HubStorage.FanoutQueue) + "-poison");
        await fanoutPoison.CreateIfNotExistsAsync();
        await fanoutPoison.SendMessageAsync(JsonSerializer.Serialize(new FanoutRequested(update.Id), HubJson.Options));
        await DeadLetterAsync("rel-poison", update.Id, "queue");
        Assert.True((await ledger.ReadAsync(update.Id, CancellationToken.None))!.Done);
    }

    [Fact]
    public async Task SweepMeetsAnUnreadableRow_CountsIt_AndStillDeliversTheLostUpdateAfterIt()
    {
        var source = await hub.RegisterSourceAsync("nacka-rel-sweep", "0182");
        await RegisterPartnerAsync("rel-sweep", "0181", [new { type = "queue" }]);
        var ledger = hub.App.Services.GetRequiredService<FanoutLedger>();
        var storage = hub.App.Services.GetRequiredService<HubStorage>();

        // A lost update, and an unreadable one the sweep meets first (outbox shards and ids are read in order).
        string bad, good;
        do
        {
            (bad, good) = (Ids.NewId(), Ids.NewId());
        }
        while (string.CompareOrdinal(FanoutLedger.OutboxShard(bad) + bad, FanoutLedger.OutboxShard(good) + good) >= 0);

        await ledger.OpenAsync(bad, CancellationToken.None);
        var updates = await storage.TableAsync(HubStorage.UpdatesTable);
        await updates.UpsertEntityAsync(new TableEntity(bad, UpdateStore.UpdateRow) { [StoredUpdate.JsonColumn] = "{not json" });
        var update = NormalisedUpdate.Create(good, source.Id, "0182",
            new CanonicalUpdate("SWEEP-2", "rel-samverkan-sweep", "decision", "Förlorat", null, null, "digitalisering", ["0181"], DateTimeOffset.UtcNow.AddHours(-1), [], []),
            DateTimeOffset.UtcNow);
        await ledger.OpenAsync(good, CancellationToken.None);
        await hub.App.Services.GetRequiredService<UpdateStore>().InsertAsync(update, CancellationToken.None);

        var result = await hub.App.Services.GetRequiredService<FanoutSweep>().SweepAsync(CancellationToken.None);

        Assert.True(result.Failed >= 1, $"failed {result.Failed}");
        Assert.True(result.Requeued >= 1, $"requeued {result.Requeued}");
        await LocalHubFixture.EventuallyAsync(async () => (await ledger.ReadAsync(good, CancellationToken.None))?.Done == true ? "done" : null, what: "the lost update's fan-out");
        Assert.Equal(1, await CountQueueAsync("partner-rel-sweep"));
    }

    [Fact]
    public async Task FiftyUpdatesToOneCollaboration_WebhookSeesOneToFiftyInOrder_AlsoWhenTheEndpointFailsForAWhile()
    {
        var source = await hub.RegisterSourceAsync("nacka-rel-order", "0182");
        var partner = await RegisterPartnerAsync("rel-order", "0160", [new { type = "webhook", url = "https://example.se/placeholder" }]);
        await using var receiver = await WebhookReceiver.StartAsync(partner.GetProperty("webhookSecret").GetString()!);
        await RegisterPartnerAsync("rel-order", "0160", [new { type = "webhook", url = receiver.Url("/flaky") }]);

        // Posted 8 at a time; after the 10th delivery the endpoint answers 503 until it has refused three attempts.
        var failing = Task.Run(async () =>
        {
            await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(receiver.Received.Count(r => r.Status == 200) >= 10 ? "ten" : null), TimeSpan.FromSeconds(60), "ten deliveries");
            receiver.Failing = true;
            await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(receiver.Received.Count(r => r.Status == 503) >= 3 ? "refused" : null), TimeSpan.FromSeconds(60), "three refusals");
            receiver.Failing = false;
        });
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= 50)
            {
                await PostAsync(source, Update($"ORDER-{i}", "rel-samverkan-order", ["0160"]));
            }
        }));

        await failing;
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(receiver.Received.Where(r => r.Status == 200).Select(r => r.Sequence).Distinct().Count() >= 50 ? "all" : null), TimeSpan.FromSeconds(90), "50 deliveries");
        var delivered = receiver.Received.Where(r => r.Status == 200 && r.SignatureValid).Select(r => r.Sequence!.Value).Distinct().ToArray();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), delivered);
        // Nothing was sent before its predecessor was delivered: every attempt, refused ones included, in order.
        var attempts = receiver.Received.Select(r => r.Sequence!.Value).ToArray();
        Assert.True(attempts.Zip(attempts.Skip(1)).All(p => p.Second >= p.First), string.Join(",", attempts));
        Assert.True(receiver.Received.Count(r => r.Status == 503) >= 3);
    }
}

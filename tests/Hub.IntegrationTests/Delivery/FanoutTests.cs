using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Delivery;

/// <summary>Fan-out through Hub.Local: storage queues on Azurite, Service Bus through the real SDK, signed webhooks on loopback.</summary>
public sealed class FanoutTests(FanoutHubFixture hub) : IClassFixture<FanoutHubFixture>
{
    private async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, object[] channels, object? filters = null, bool includeOwn = false)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels, filters, includeOwn }));
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

    private async Task WaitFannedOutAsync(params string[] ids)
    {
        var ledger = hub.App.Services.GetRequiredService<FanoutLedger>();
        foreach (var id in ids)
        {
            await LocalHubFixture.EventuallyAsync(
                async () => (await ledger.ReadAsync(id, CancellationToken.None))?.Done == true ? "done" : null,
                what: $"the fan-out of {id}");
        }
    }

    /// <summary>
    /// Drains a partner queue once it holds <paramref name="expected"/> events: a fan-out is done once every target is
    /// settled, and a send that failed for now is settled by handing it to its retry, which lands a moment later.
    /// </summary>
    private async Task<List<JsonElement>> DrainQueueAsync(string name, int expected)
    {
        var queue = new QueueClient(hub.Azurite.ConnectionString, name);
        await LocalHubFixture.EventuallyAsync(async () => (await queue.PeekMessagesAsync(32)).Value.Length >= expected ? "there" : null, what: $"{expected} event(s) on {name}");
        return await DrainQueueAsync(name);
    }

    private async Task<List<JsonElement>> DrainQueueAsync(string name)
    {
        var queue = new QueueClient(hub.Azurite.ConnectionString, name);
        var events = new List<JsonElement>();
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            if (messages.Length == 0)
            {
                return events;
            }

            foreach (var m in messages)
            {
                events.Add(JsonDocument.Parse(m.MessageText).RootElement.Clone());
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    private static string Update(string externalId, string collaboration, string[] participants, string area = "digitalisering", string kind = "decision", string occurredAt = "2026-03-19T09:00:00+01:00") =>
        JsonSerializer.Serialize(new { externalId, collaboration, kind, title = "Uppdatering " + externalId, area, participants, occurredAt });

    [Fact]
    public async Task QueuePartners_EachPartnerQueueHoldsExactlyTheEventsRoutedToIt()
    {
        var source = await hub.RegisterSourceAsync("nacka-fanout-q", "0182");
        await RegisterPartnerAsync("q-tyreso", "0138", [new { type = "queue" }]);
        await RegisterPartnerAsync("q-kiruna", "2584", [new { type = "queue" }], new { areas = new[] { "utbildning" } });
        await RegisterPartnerAsync("q-nacka", "0182", [new { type = "queue" }]);
        await RegisterPartnerAsync("q-skane", "1280", [new { type = "queue" }], new { counties = new[] { "01" }, kinds = new[] { "decision" } });

        var u1 = await PostAsync(source, Update("FQ-1", "fq-e-arkiv", ["0138"]));
        var u2 = await PostAsync(source, Update("FQ-2", "fq-skola", ["2584"], area: "utbildning", kind: "meeting"));
        var u3 = await PostAsync(source, Update("FQ-3", "fq-e-arkiv", ["0138"], kind: "status-report"));
        await WaitFannedOutAsync(u1, u2, u3);

        Assert.Equal(new[] { u1, u3 }.Order(), (await DrainQueueAsync("partner-q-tyreso", 2)).Select(e => e.GetProperty("id").GetString()!).Order());
        Assert.Equal([u2], (await DrainQueueAsync("partner-q-kiruna", 1)).Select(e => e.GetProperty("id").GetString()));
        Assert.Empty(await DrainQueueAsync("partner-q-nacka"));
        var skane = await DrainQueueAsync("partner-q-skane", 1);
        Assert.Equal([u1], skane.Select(e => e.GetProperty("id").GetString()));

        var e1 = skane[0];
        Assert.Equal("se.samverkan.update", e1.GetProperty("type").GetString());
        Assert.Equal("/sources/nacka-fanout-q", e1.GetProperty("source").GetString());
        Assert.Equal("fq-e-arkiv", e1.GetProperty("subject").GetString());
        Assert.Equal("1", e1.GetProperty("sequence").GetString());
        Assert.Equal("0182", e1.GetProperty("data").GetProperty("organisation").GetString());
    }

    [Fact]
    public async Task ServiceBusPartner_ProcessorReceivesEachRoutedUpdateOnce_InSequenceOrderPerCollaboration()
    {
        hub.Broker.CreateQueue("partner-sb-botkyrka");
        var source = await hub.RegisterSourceAsync("nacka-fanout-sb", "0182");
        await RegisterPartnerAsync("sb-botkyrka", "0127", [new { type = "servicebus" }]);

        var posts = new List<Task<string>>();
        for (var i = 1; i <= 6; i++)
        {
            posts.Add(PostAsync(source, Update($"SB-A-{i}", "sb-samverkan-a", ["0127"], occurredAt: $"2026-03-{10 + i}T09:00:00Z")));
            posts.Add(PostAsync(source, Update($"SB-B-{i}", "sb-samverkan-b", ["0127"], occurredAt: $"2026-03-{10 + i}T10:00:00Z")));
            posts.Add(PostAsync(source, Update($"SB-X-{i}", "sb-utan-botkyrka", ["0138"])));
        }

        var ids = await Task.WhenAll(posts);
        await WaitFannedOutAsync(ids);

        var received = new ConcurrentQueue<(string Id, string Collaboration, long Sequence, string Subject)>();
        await using var client = new ServiceBusClient(hub.Broker.ConnectionString);
        await using var processor = client.CreateProcessor("partner-sb-botkyrka", new ServiceBusProcessorOptions { MaxConcurrentCalls = 1, AutoCompleteMessages = true });
        processor.ProcessMessageAsync += args =>
        {
            var e = JsonDocument.Parse(args.Message.Body.ToMemory()).RootElement;
            received.Enqueue((args.Message.MessageId, (string)args.Message.ApplicationProperties["collaboration"], long.Parse(e.GetProperty("sequence").GetString()!), args.Message.Subject));
            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;
        await processor.StartProcessingAsync();
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(received.Count >= 12 ? received : null), what: "12 Service Bus messages");
        await processor.StopProcessingAsync();

        // Every fan-out had finished before the processor started: nothing more is on the queue.
        await using var peeker = client.CreateReceiver("partner-sb-botkyrka");
        Assert.Null(await peeker.PeekMessageAsync());
        Assert.Equal(12, received.Count);
        Assert.Equal(12, received.Select(r => r.Id).Distinct().Count());
        Assert.All(received, r => Assert.Equal("decision", r.Subject));
        foreach (var collaboration in new[] { "sb-samverkan-a", "sb-samverkan-b" })
        {
            var sequence = received.Where(r => r.Collaboration == collaboration).Select(r => r.Sequence).ToArray();
            Assert.Equal([1, 2, 3, 4, 5, 6], sequence);
        }
    }

    [Fact]
    public async Task ServiceBusReplay_MoreEventsThanOneBatchHolds_SplitsIntoBatches_NewMessageIdsMarkedReplay_SameEventIds()
    {
        hub.Broker.CreateQueue("partner-sb-replay");
        var source = await hub.RegisterSourceAsync("nacka-fanout-replay", "0182");
        await RegisterPartnerAsync("sb-replay", "0160", [new { type = "servicebus" }]);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ids = new List<string>();
        for (var i = 1; i <= 8; i++)
        {
            ids.Add(await PostAsync(source, Update($"RP-{i}", "replay-samverkan", ["0160"])));
        }

        await WaitFannedOutAsync([.. ids]);
        Assert.Equal(8, hub.Broker.CountActive("partner-sb-replay"));

        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        using var replay = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/partners/sb-replay/deliveries/replay?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"));
        var result = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(8, result.GetProperty("updates").GetInt32());

        // 8 events of about 1 KB each do not fit in one 4 KB batch: the replay arrives in several batches, all of it.
        // A replay is a message of its own (duplicate detection would drop a reused MessageId inside its window, one day),
        // marked as a replay; the CloudEvent inside keeps the update id, which consumers dedupe by.
        var messages = hub.Broker.Peek("partner-sb-replay");
        Assert.Equal(16, messages.Count);
        Assert.Equal(ids.Order(), messages.Take(8).Select(m => m.MessageId).Order());
        Assert.All(messages.Take(8), m => Assert.False(m.ApplicationProperties.ContainsKey("replay")));
        var replayed = messages.Skip(8).ToArray();
        Assert.All(replayed, m => Assert.Equal(true, m.ApplicationProperties["replay"]));
        Assert.Empty(replayed.Select(m => m.MessageId).Intersect(ids));
        Assert.Equal(8, replayed.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(ids.Order(), replayed.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task WebhookPartner_ReceivesSignedEvents_AndADeadEndpointEndsInVisibleReplayableDeadLetters()
    {
        var source = await hub.RegisterSourceAsync("nacka-fanout-wh", "0182");
        var placeholder = "https://example.se/placeholder";
        var good = await RegisterPartnerAsync("wh-huddinge", "0126", [new { type = "webhook", url = placeholder }]);
        var dead = await RegisterPartnerAsync("wh-haninge", "0136", [new { type = "webhook", url = placeholder }]);
        await using var goodReceiver = await WebhookReceiver.StartAsync(good.GetProperty("webhookSecret").GetString()!);
        await using var deadReceiver = await WebhookReceiver.StartAsync(dead.GetProperty("webhookSecret").GetString()!);
        await RegisterPartnerAsync("wh-huddinge", "0126", [new { type = "webhook", url = goodReceiver.Url("/ok") }]);
        await RegisterPartnerAsync("wh-haninge", "0136", [new { type = "webhook", url = deadReceiver.Url("/error") }]);

        var id = await PostAsync(source, Update("WH-1", "wh-samverkan", ["0126", "0136"]));

        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(goodReceiver.Received.Any(r => r.WebhookId == id) ? "ok" : null), what: "the signed webhook");
        Assert.All(goodReceiver.Received, r => Assert.True(r.SignatureValid));
        Assert.StartsWith("application/cloudevents+json", goodReceiver.Received.First().ContentType);

        // /error answers 500 every time: after the (shortened) schedule the delivery is dead-lettered, kept and visible.
        var deliveries = await LocalHubFixture.EventuallyAsync(async () =>
        {
            using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/partners/wh-haninge/deliveries"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("deadLetters").GetArrayLength() > 0 ? (JsonElement?)body : null;
        }, TimeSpan.FromSeconds(60), "the dead letter");
        var letter = deliveries!.Value.GetProperty("deadLetters")[0];
        Assert.Equal(id, letter.GetProperty("updateId").GetString());
        Assert.Equal(4, letter.GetProperty("attempts").GetInt32());
        Assert.Equal(4, deadReceiver.Received.Count(r => r.WebhookId == id && r.SignatureValid));
        Assert.Contains(deliveries.Value.GetProperty("items").EnumerateArray(), a => a.GetProperty("status").GetString() == "retrying" && a.GetProperty("statusCode").GetInt32() == 500);

        // The partner mends its endpoint; the replay sends the dead letter again with the same id and clears it.
        await RegisterPartnerAsync("wh-haninge", "0136", [new { type = "webhook", url = deadReceiver.Url("/ok") }]);
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"));
        using var replay = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/partners/wh-haninge/deliveries/replay?from={from}&to={to}"));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult<object?>(deadReceiver.Received.Any(r => r.Path == "/ok" && r.WebhookId == id) ? "ok" : null), what: "the replayed webhook");
        using var after = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/partners/wh-haninge/deliveries"));
        Assert.Equal(0, (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deadLetters").GetArrayLength());
    }

    [Fact]
    public async Task WebhookAnswering410_DisablesTheEndpoint()
    {
        var source = await hub.RegisterSourceAsync("nacka-fanout-gone", "0182");
        var partner = await RegisterPartnerAsync("wh-gone", "0139", [new { type = "webhook", url = "https://example.se/placeholder" }]);
        await using var receiver = await WebhookReceiver.StartAsync(partner.GetProperty("webhookSecret").GetString()!);
        await RegisterPartnerAsync("wh-gone", "0139", [new { type = "webhook", url = receiver.Url("/gone") }]);

        await PostAsync(source, Update("GONE-1", "gone-samverkan", ["0139"]));
        var disabled = await LocalHubFixture.EventuallyAsync(async () =>
        {
            using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/wh-gone-probe", new { organisation = "0139" }));
            var partners = hub.App.Services.GetRequiredService<Mellanrum.Hub.Partners.PartnerStore>();
            var p = await partners.GetAsync("wh-gone", CancellationToken.None);
            return p?.DisabledWebhooks is { Count: > 0 } d ? d : null;
        }, what: "the endpoint to be disabled");
        Assert.Equal([receiver.Url("/gone")], disabled);

        var second = await PostAsync(source, Update("GONE-2", "gone-samverkan", ["0139"]));
        await LocalHubFixture.EventuallyAsync(async () =>
        {
            using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/partners/wh-gone/deliveries"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("deadLetters").EnumerateArray().Any(d => d.GetProperty("updateId").GetString() == second) ? "dead-lettered" : null;
        }, what: "the second update dead-lettered at the disabled endpoint");
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task UpdateStoredButFanoutMessageLost_IsDeliveredByTheSweep()
    {
        var source = await hub.RegisterSourceAsync("nacka-fanout-sweep", "0182");
        await RegisterPartnerAsync("q-sweep", "0181", [new { type = "queue" }]);
        var ledger = hub.App.Services.GetRequiredService<FanoutLedger>();
        var store = hub.App.Services.GetRequiredService<UpdateStore>();

        // As if the process died after the insert: the update is stored (with its outbox row) but no fanout message exists.
        var update = NormalisedUpdate.Create(Ids.NewId(), source.Id, "0182",
            new CanonicalUpdate("LOST-1", "sweep-samverkan", "decision", "Förlorat meddelande", null, null, "digitalisering", ["0181"], DateTimeOffset.UtcNow.AddHours(-1), [], []),
            DateTimeOffset.UtcNow);
        await ledger.OpenAsync(update.Id, CancellationToken.None);
        await store.InsertAsync(update, CancellationToken.None);
        Assert.Empty(await DrainQueueAsync("partner-q-sweep"));

        var requeued = await hub.App.Services.GetRequiredService<FanoutSweep>().SweepAsync(CancellationToken.None);
        Assert.True(requeued.Requeued >= 1);
        await WaitFannedOutAsync(update.Id);
        Assert.Equal([update.Id], (await DrainQueueAsync("partner-q-sweep", 1)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task InvalidPartnerRegistration_Answers422NamingEveryField()
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/p-invalid",
            new
            {
                organisation = "Atlantis",
                channels = new object[] { new { type = "ftp" }, new { type = "webhook", url = "https://169.254.169.254/latest" } },
                filters = new { areas = new[] { "rymden" }, counties = new[] { "99" } },
                digest = new { recipients = new[] { "inte-en-adress" }, language = "fi" },
            }));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(
            ["organisation", "channels[0].type", "channels[1].url", "filters.areas[0]", "filters.counties[0]", "digest.recipients[0]", "digest.language"],
            problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()));
    }
}

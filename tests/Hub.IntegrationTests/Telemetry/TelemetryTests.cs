using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Telemetry;

/// <summary>
/// Alone in the process while it runs: the in-memory exporter sees every span and measurement of the process, and the
/// counts below are exact only when no other hub works meanwhile.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryHubFixture>;

/// <summary>
/// OpenTelemetry through Hub.Local with the in-memory exporter: one trace from the municipality's POST (with its
/// <c>traceparent</c>) through ingest, the <c>fanout</c> queue and every channel type to the partner, which receives the
/// same trace id in the CloudEvent, the Service Bus message and the webhook request; replays and digests in traces of
/// their own, linked to where they came from; the dashboard's metrics with the counts of a small scenario; and no body,
/// key, secret, e-mail address or personnummer in any attribute.
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests(TelemetryHubFixture hub, ITestOutputHelper output)
{

    [Fact]
    public async Task OnePost_IsOneTrace_FromTheCallerThroughIngestAndFanout_ToServiceBusQueueAndWebhook()
    {
        const string Organisation = "0138";
        var (source, receiver, partner) = await SetUpAsync("otel-trace", Organisation);
        await using var _ = receiver;
        var caller = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = LocalHubFixture.WithKey(source.Id, source.Key, Update("OTEL-TRACE-1", Organisation));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{caller}-{callerSpan}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "kommun=nacka");
        using var client = CallerClient();
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var answered = CarriedTrace.Parse(response.Headers.GetValues("traceparent").Single(), null);
        Assert.Equal(caller.ToHexString(), answered.TraceId);

        // What the partner receives, on each channel.
        var webhook = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(receiver.Received.FirstOrDefault(r => r.Path == "/ok")), what: "the webhook");
        var message = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(hub.Broker.Peek(QueueOf(partner)).FirstOrDefault(m => m.MessageId == id)), what: "the Service Bus message");
        var queued = await LocalHubFixture.EventuallyAsync(async () => (await new QueueClient(hub.Azurite.ConnectionString, QueueOf(partner)).PeekMessagesAsync(32)).Value.FirstOrDefault(), what: "the storage-queue event");

        // A span is exported when it ends: the partner's own server span (its receiver runs in this process) last.
        var trace = await LocalHubFixture.EventuallyAsync(async () =>
        {
            var spans = await SpansOfAsync(caller, [HubTracing.Ingest, HubTracing.Fanout, HubTracing.DeliverServiceBus, HubTracing.DeliverQueue, HubTracing.DeliverWebhook]);
            var hooks = spans.Where(s => s.OperationName == HubTracing.DeliverWebhook).Select(s => s.SpanId).ToHashSet();
            return spans.Any(s => s.Kind == ActivityKind.Server && spans.Any(c => c.Kind == ActivityKind.Client && hooks.Contains(c.ParentSpanId) && s.ParentSpanId == c.SpanId)) ? spans : null;
        }, what: "the partner's server span");
        var tree = TraceTree.Render(trace);
        var outline = TraceTree.RenderWithoutStorage(trace);
        output.WriteLine(outline);
        output.WriteLine(tree);
        await File.WriteAllTextAsync(Path.Combine(TestOutput.Folder("telemetry"), "trace-tree.txt"), tree);
        await File.WriteAllTextAsync(Path.Combine(TestOutput.Folder("telemetry"), "trace-outline.txt"), outline);

        // One trace, each hop the child of the one before it, the caller's span its root's parent.
        Assert.All(trace, s => Assert.Equal(caller, s.TraceId));
        var server = Assert.Single(trace, s => s.ParentSpanId == callerSpan);
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal(server.SpanId.ToHexString(), answered.Parent![36..52]);
        Assert.Equal("kommun=nacka", server.TraceStateString);
        var ingest = Assert.Single(trace, s => s.OperationName == HubTracing.Ingest);
        Assert.Equal(server.SpanId, ingest.ParentSpanId);
        var fanout = Assert.Single(trace, s => s.OperationName == HubTracing.Fanout);
        Assert.Equal(ingest.SpanId, fanout.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, fanout.Kind);
        var deliveries = new[] { HubTracing.DeliverServiceBus, HubTracing.DeliverQueue, HubTracing.DeliverWebhook }
            .ToDictionary(name => name, name => Assert.Single(trace, s => s.OperationName == name));
        Assert.All(deliveries.Values, d => Assert.Equal(fanout.SpanId, d.ParentSpanId));
        Assert.All(trace.Where(s => s != server), s => Assert.Contains(trace, p => p.SpanId == s.ParentSpanId));

        // The partner's webhook request is a child of the hub's HTTP call, itself a child of the delivery.
        var post = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == deliveries[HubTracing.DeliverWebhook].SpanId);
        Assert.Contains(trace, s => s.Kind == ActivityKind.Server && s.ParentSpanId == post.SpanId);
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(webhook.TraceParent, null).TraceId);
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(webhook.EventTraceParent, null).TraceId);

        // Service Bus: the application properties and the CloudEvent inside.
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(message.ApplicationProperties["traceparent"] as string, null).TraceId);
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(message.ApplicationProperties["Diagnostic-Id"] as string, null).TraceId);
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(JsonDocument.Parse(message.Body).RootElement.GetProperty("traceparent").GetString(), null).TraceId);
        Assert.Equal("kommun=nacka", JsonDocument.Parse(message.Body).RootElement.GetProperty("tracestate").GetString());

        // The storage queue: the CloudEvent.
        Assert.Equal(caller.ToHexString(), CarriedTrace.Parse(JsonDocument.Parse(queued.Body.ToString()).RootElement.GetProperty("traceparent").GetString(), null).TraceId);
    }

    [Fact]
    public async Task AReplay_AndADigest_AreTracesOfTheirOwn_LinkedToTheOriginal()
    {
        const string Organisation = "0136";
        var (source, receiver, partner) = await SetUpAsync("otel-replay", Organisation);
        await using var _ = receiver;
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var caller = ActivityTraceId.CreateRandom();
        using var request = LocalHubFixture.WithKey(source.Id, source.Key, Update("OTEL-REPLAY-1", Organisation));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{caller}-{ActivitySpanId.CreateRandom()}-01");
        using var client = CallerClient();
        using var posted = await client.SendAsync(request);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await SpansOfAsync(caller, [HubTracing.Fanout, HubTracing.DeliverServiceBus]);

        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        using var replay = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/partners/{partner.Id}/deliveries/replay?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var replayRequest = ActivityTraceId.CreateFromString(CarriedTrace.Parse(replay.Headers.GetValues("traceparent").Single(), null).TraceId);

        var replaySpan = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(hub.Spans.FirstOrDefault(s => s.OperationName == HubTracing.Replay && s.Links.Any(l => l.Context.TraceId == caller))), what: "the replay's span");
        Assert.NotEqual(caller, replaySpan.TraceId);
        Assert.NotEqual(replayRequest, replaySpan.TraceId);
        Assert.Equal(default, replaySpan.ParentSpanId);
        Assert.Contains(replaySpan.Links, l => l.Context.TraceId == replayRequest);
        var replayed = await SpansOfAsync(replaySpan.TraceId, [HubTracing.Replay, HubTracing.DeliverServiceBus]);
        output.WriteLine(TraceTree.Render(replayed));
        var resent = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(hub.Broker.Peek(QueueOf(partner)).FirstOrDefault(m => m.ApplicationProperties.ContainsKey("replay"))), what: "the replayed message");
        Assert.Equal(replaySpan.TraceId.ToHexString(), CarriedTrace.Parse(resent.ApplicationProperties["traceparent"] as string, null).TraceId);
        Assert.Equal(id, JsonDocument.Parse(resent.Body).RootElement.GetProperty("id").GetString());

        // A digest: asked for by a request, done by jobs on the digests queue, each in a trace of its own that links to it.
        await RegisterDigestPartnerAsync("otel-digest-replay", Organisation);
        var month = LastEndedMonth();
        using var send = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send"));
        Assert.True(send.IsSuccessStatusCode, await send.Content.ReadAsStringAsync());
        var sendRequest = ActivityTraceId.CreateFromString(CarriedTrace.Parse(send.Headers.GetValues("traceparent").Single(), null).TraceId);
        var digest = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(hub.Spans.FirstOrDefault(s => s.OperationName == HubTracing.Digest && s.Links.Any(l => l.Context.TraceId == sendRequest))), what: "the digest's span");
        Assert.NotEqual(sendRequest, digest.TraceId);
        Assert.Equal(default, digest.ParentSpanId);
        Assert.Equal(month, digest.GetTagItem(HubTracing.MonthTag));
    }

    [Fact]
    public async Task TheDashboardsMetrics_CountASmallScenario()
    {
        const string Organisation = "0127";

        // For the digests below: a partner with a recipient, and an update of the last month that has ended, stored and
        // fanned out before the counting begins.
        await RegisterDigestPartnerAsync("otel-digest-metrics", Organisation);
        var month = LastEndedMonth();
        var lagsBefore = Value(hub.MetricsNow(), "hub.fanout.lag");
        var digestSource = await hub.RegisterSourceAsync("otel-digest-src", "0182");
        await PostAsync(digestSource, Update("OTEL-D-1", Organisation, occurredAt: $"{month}-15T10:00:00+01:00"), HttpStatusCode.Accepted);
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult(Value(hub.MetricsNow(), "hub.fanout.lag") > lagsBefore ? "fanned out" : null), what: "the month's update fanned out");
        var before = hub.MetricsNow();
        var (source, receiver, partner) = await SetUpAsync("otel-metrics", Organisation);
        await using var _ = receiver;
        var gone = await RegisterPartnerAsync("otel-metrics-gone", Organisation, [new { type = "webhook", url = "https://example.se/placeholder" }]);
        await RegisterPartnerAsync("otel-metrics-gone", Organisation, [new { type = "webhook", url = receiver.Url("/gone") }]);
        Assert.NotNull(gone.GetProperty("webhookSecret").GetString());

        // Two stored, one duplicate; refused: 422 (a personnummer), 400 (not JSON), 401 (a wrong key, a source nobody registered).
        var first = await PostAsync(source, Update("OTEL-M-1", Organisation), HttpStatusCode.Accepted);
        var second = await PostAsync(source, Update("OTEL-M-2", Organisation), HttpStatusCode.Accepted);
        await PostAsync(source, Update("OTEL-M-1", Organisation), HttpStatusCode.OK);
        await PostAsync(source, Update("OTEL-M-3", Organisation, summary: "Gäller 19121212-1212."), HttpStatusCode.UnprocessableEntity);
        await PostAsync(source, "this is not json", HttpStatusCode.BadRequest);
        await PostAsync(source with { Key = source.Key + "x" }, Update("OTEL-M-4", Organisation), HttpStatusCode.Unauthorized);
        await PostAsync(source with { Id = "otel-nobody" }, Update("OTEL-M-5", Organisation), HttpStatusCode.Unauthorized);

        // Each update: delivered on Service Bus, the storage queue and the webhook; dead-lettered on the gone webhook.
        // (The gone endpoint is disabled at its first 410: a second update may be dead-lettered without a request.)
        await LocalHubFixture.EventuallyAsync(() => Task.FromResult(receiver.Received.Count(r => r.Path == "/ok") >= 2 && receiver.Received.Any(r => r.Path == "/gone") ? "all" : null), what: "the webhooks");

        // Digests: what the metric counts is what the runs' progress says (partners of the other tests here may have theirs
        // already). The month's update was stored before the counting began (see above); sent once, then skipped.
        var digests = new Dictionary<string, long> { ["sent"] = 0, ["skipped"] = 0, ["failed"] = 0 };
        for (var i = 0; i < 2; i++)
        {
            using var send = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send"));
            var run = (await send.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run").GetString();
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
            var progress = await LocalHubFixture.EventuallyAsync(async () =>
            {
                using var read = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/digests/{month}"));
                var view = await read.Content.ReadFromJsonAsync<JsonElement>();
                return view.GetProperty("run").GetString() == run && view.GetProperty("state").GetString() == "done" ? (JsonElement?)view : null;
            }, what: $"the digest run {i + 1} of {month} done");
            foreach (var outcome in digests.Keys)
            {
                digests[outcome] += progress!.Value.GetProperty(outcome).GetInt64();
            }
        }

        Assert.True(digests["sent"] >= 1 && digests["skipped"] >= 1, string.Join(", ", digests));

        // The gauge reads storage at most every five minutes (RejectionGauge): read now, as the next refresh would.
        var waiting = await hub.App.Services.GetRequiredService<RejectionGauge>().RefreshAsync(CancellationToken.None);
        var after = await LocalHubFixture.EventuallyAsync(() =>
        {
            var now = hub.MetricsNow();
            long Grown(string name, params (string Key, string Value)[] tags) => Value(now, name, tags) - Value(before, name, tags);
            return Task.FromResult(Grown("hub.deliveries", ("hub.channel", "webhook"), ("hub.outcome", "delivered")) >= 2
                && Grown("hub.delivery.lag", ("hub.channel", "webhook")) >= 2
                && Grown("hub.dead_letters", ("hub.channel", "webhook")) >= 2 ? now : null);
        }, what: "two webhooks delivered and two dead-lettered, counted");
        long Delta(string name, params (string Key, string Value)[] tags) => Value(after, name, tags) - Value(before, name, tags);

        Assert.Equal(2, Delta("hub.updates.accepted", ("hub.source", source.Id), ("hub.outcome", "accepted")));
        Assert.Equal(1, Delta("hub.updates.accepted", ("hub.source", source.Id), ("hub.outcome", "duplicate")));
        Assert.Equal(1, Delta("hub.updates.rejected", ("hub.source", source.Id), ("hub.reason", "422")));
        Assert.Equal(1, Delta("hub.updates.rejected", ("hub.source", source.Id), ("hub.reason", "400")));
        Assert.Equal(1, Delta("hub.updates.rejected", ("hub.source", source.Id), ("hub.reason", "401")));
        Assert.Equal(1, Delta("hub.updates.rejected", ("hub.source", "unknown"), ("hub.reason", "401")));
        Assert.Equal(6, Delta("hub.ingest.duration", ("hub.source", source.Id)));
        Assert.Equal(2, Delta("hub.fanout.lag"));
        foreach (var channel in new[] { "servicebus", "queue", "webhook" })
        {
            Assert.Equal(2, Delta("hub.deliveries", ("hub.channel", channel), ("hub.outcome", "delivered")));
            // Each delivery's lag from receipt, the webhooks' when the deliveries queue delivered them.
            Assert.Equal(2, Delta("hub.delivery.lag", ("hub.channel", channel)));
        }

        // Both updates are dead letters; an attempt is made for the first (410), and for the second only while the first is
        // in flight: once the 410 disabled the endpoint, the second is dead-lettered without one.
        Assert.InRange(Delta("hub.deliveries", ("hub.channel", "webhook"), ("hub.outcome", "dead-letter")), 1, 2);
        Assert.Equal(2, Delta("hub.dead_letters", ("hub.channel", "webhook")));
        Assert.All(digests, d => Assert.Equal(d.Value, Delta("hub.digests", ("hub.outcome", d.Key))));
        Assert.True(waiting >= 2, $"{waiting} rejection(s) waiting");
        Assert.Equal(waiting, Value(after, "hub.rejections.waiting"));
        Assert.True(Delta("http.server.request.duration", ("http.request.method", "POST")) >= 7);
        Assert.DoesNotContain(after.Keys, k => !k.StartsWith("hub.", StringComparison.Ordinal) && k != "http.server.request.duration");
        output.WriteLine(string.Join(Environment.NewLine, after.Values.OrderBy(m => m.Name).Select(m => $"{m.Name} ({m.MetricType}): {m.MetricPoints.Count} point(s)")));
    }

    [Fact]
    public async Task NoAttribute_HoldsABodyAKeyASecretAnEmailAddressOrAPersonnummer()
    {
        const string Organisation = "0126";
        var (source, receiver, partner) = await SetUpAsync("otel-leak", Organisation);
        await using var _ = receiver;
        var marker = "Hemligt-" + Guid.NewGuid().ToString("N");
        var caller = ActivityTraceId.CreateRandom();
        using (var request = LocalHubFixture.WithKey(source.Id, source.Key, Update("OTEL-LEAK-1", Organisation, title: marker, summary: "Kontakt: handlaggare@nacka.example")))
        {
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{caller}-{ActivitySpanId.CreateRandom()}-01");
            using var client = CallerClient();
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await PostAsync(source, Update("OTEL-LEAK-2", Organisation, title: marker, summary: "Gäller 19121212-1212, handlaggare@nacka.example."), HttpStatusCode.UnprocessableEntity);
        await PostAsync(source with { Key = source.Key + "x" }, Update("OTEL-LEAK-3", Organisation, title: marker), HttpStatusCode.Unauthorized);
        await SpansOfAsync(caller, [HubTracing.DeliverServiceBus, HubTracing.DeliverQueue, HubTracing.DeliverWebhook]);
        var metrics = hub.MetricsNow();

        string[] secrets = [marker, source.Key, source.Secret, partner.Secret, "19121212", "handlaggare", "nacka.example", "Kommunstyrelsen"];
        var values = new List<(string Where, string Text)>();
        void Add(string where, object? value) => values.Add((where, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        foreach (var span in hub.Spans.ToArray())
        {
            Add($"span {span.DisplayName} name", span.DisplayName);
            Add($"span {span.DisplayName} tracestate", span.TraceStateString);
            foreach (var tag in span.TagObjects)
            {
                Add($"span {span.DisplayName} {tag.Key}", tag.Value);
            }

            foreach (var tag in span.Events.SelectMany(e => e.Tags).Concat(span.Links.SelectMany(l => l.Tags ?? [])))
            {
                Add($"span {span.DisplayName} event or link {tag.Key}", tag.Value);
            }
        }

        foreach (var metric in metrics.Values)
        {
            foreach (var tag in PointsOf(metric).SelectMany(Tags))
            {
                Add($"metric {metric.Name} {tag.Key}", tag.Value);
            }
        }

        Assert.True(values.Count > 100, $"Only {values.Count} attributes were read.");
        Assert.Empty(values.Where(v => secrets.Any(s => v.Text.Contains(s, StringComparison.OrdinalIgnoreCase)) || v.Text.Contains('@') || (PersonnummerGuard.Contains(v.Text) && !Guid.TryParse(v.Text, out var _))).Select(v => $"{v.Where} = {v.Text}"));
    }

    /// <summary>
    /// A municipality's system that sends its own <c>traceparent</c>: a client without HttpClient's diagnostics handler
    /// (through it, the HttpClient instrumentation listening in this process would put its own span's in its place).
    /// </summary>
    private HttpClient CallerClient() =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = hub.BaseAddress };

    /// <summary>A source, and a partner in <paramref name="organisation"/> (each test its own, so no other test's partner receives its updates) on every channel type.</summary>
    private async Task<(RegisteredSource Source, WebhookReceiver Receiver, (string Id, string Secret) Partner)> SetUpAsync(string name, string organisation)
    {
        hub.Broker.CreateQueue(QueueOf(name));
        var source = await hub.RegisterSourceAsync(name + "-src", "0182");
        var placeholder = await RegisterPartnerAsync(name, organisation, [new { type = "webhook", url = "https://example.se/placeholder" }]);
        var secret = placeholder.GetProperty("webhookSecret").GetString()!;
        var receiver = await WebhookReceiver.StartAsync(secret);
        await RegisterPartnerAsync(name, organisation, [new { type = "servicebus" }, new { type = "queue" }, new { type = "webhook", url = receiver.Url("/ok") }]);
        return (source, receiver, (name, secret));
    }

    private static string QueueOf((string Id, string Secret) partner) => QueueOf(partner.Id);

    private static string QueueOf(string partnerId) => "partner-" + partnerId;

    private async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, object[] channels)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private async Task RegisterDigestPartnerAsync(string id, string organisation)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, digest = new { recipients = new[] { "it@tyreso.example" }, language = "sv" } }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string?> PostAsync(RegisteredSource source, string body, HttpStatusCode expected)
    {
        using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.GetProperty("id").GetString() : null;
    }

    private static string Update(string externalId, string participant, string? title = null, string summary = "Kommunstyrelsen beslutade.", string occurredAt = "2026-03-19T09:00:00+01:00") =>
        JsonSerializer.Serialize(new { externalId, collaboration = "otel-samverkan-" + participant, kind = "decision", title = title ?? "Uppdatering " + externalId, summary, participants = new[] { participant }, occurredAt });

    /// <summary>The last month that has ended in Stockholm (a month that has not is a 409 to send).</summary>
    private static string LastEndedMonth()
    {
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"));
        return new DateTime(now.Year, now.Month, 1).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The spans of one trace, once each named span has ended (a span is exported when it ends).</summary>
    private async Task<IReadOnlyList<Activity>> SpansOfAsync(ActivityTraceId trace, string[] names) =>
        await LocalHubFixture.EventuallyAsync(() =>
        {
            var spans = hub.Spans.Where(s => s.TraceId == trace).ToArray();
            return Task.FromResult<IReadOnlyList<Activity>?>(names.All(n => spans.Any(s => s.OperationName == n)) ? spans : null);
        }, what: $"the spans {string.Join(", ", names)} of trace {trace}");

    private static long Value(IReadOnlyDictionary<string, MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags)
    {
        if (!metrics.TryGetValue(name, out var metric))
        {
            return 0;
        }

        return PointsOf(metric)
            .Where(p => tags.All(t => Tags(p).Any(k => k.Key == t.Key && Equals(k.Value as string, t.Value))))
            .Sum(p => metric.MetricType switch
            {
                MetricType.Histogram => p.GetHistogramCount(),
                MetricType.LongGauge => p.GetGaugeLastValueLong(),
                MetricType.LongSum or MetricType.LongSumNonMonotonic => p.GetSumLong(),
                _ => (long)p.GetSumDouble(),
            });
    }

    private static IEnumerable<MetricPoint> PointsOf(MetricSnapshot metric) => metric.MetricPoints;

    private static IEnumerable<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}

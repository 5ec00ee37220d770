using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.ServiceBusBroker;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>A partner of the soak: its id, organisation (a participant of every update) and channels.</summary>
internal sealed record SoakPartner(string Id, string Organisation, IReadOnlyList<string> Channels);

/// <summary>One update as the source saw it: the answer that counted (the first 2xx, or the last failure) and what came before.</summary>
internal sealed record PostOutcome(int Index, string ExternalId, string Collaboration, string? Id, int Status, int Attempts, int ServerErrors, int TransportErrors, DateTimeOffset AnsweredAt)
{
    public bool Accepted => Status is 200 or 202;
}

/// <summary>
/// The world around the hub in a soak or a drill, seen from outside as a municipal system and its partners see it:
/// one source posting signed updates (and retrying, with the same <c>webhook-id</c> and <c>externalId</c>, what did
/// not get a 2xx, as a source does), five partners that take part in every update, each channel read by a consumer
/// of its own (a storage-queue reader, a Service Bus receiver on the in-test broker, a webhook receiver that verifies
/// each Standard Webhooks signature).
/// </summary>
internal sealed class SoakWorld(HttpClient hub, string adminKey, string storage, TestServiceBusBroker broker) : IAsyncDisposable
{
    public const string SourceId = "soak-source";
    public const string SourceOrganisation = "0182";

    /// <summary>Every update names all five organisations, so it routes to all five partners: 3 queues, 3 Service Bus queues, 2 webhooks.</summary>
    public static readonly IReadOnlyList<SoakPartner> Partners =
    [
        new("soak-queue", "0138", ["queue"]),
        new("soak-bus", "0127", ["servicebus"]),
        new("soak-hook", "0136", ["webhook"]),
        new("soak-queue-bus", "0180", ["queue", "servicebus"]),
        new("soak-all", "0181", ["queue", "servicebus", "webhook"]),
    ];

    private static readonly DateTimeOffset FirstOccurredAt = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _consumers = [];
    private readonly List<(WebhookReceiver Receiver, PartnerInbox Inbox)> _webhooks = [];
    private readonly List<PartnerInbox> _inboxes = [];
    private ServiceBusClient? _serviceBus;
    private string _sourceSecret = string.Empty;

    public IReadOnlyList<PartnerInbox> Inboxes => _inboxes;

    public string Storage => storage;

    public static IEnumerable<string> ServiceBusQueues => Partners.Where(p => p.Channels.Contains("servicebus")).Select(p => "partner-" + p.Id);

    public static IEnumerable<string> StorageQueues => Partners.Where(p => p.Channels.Contains("queue")).Select(p => "partner-" + p.Id);

    /// <summary>Registers the source and the partners (webhook receivers started first, their secrets from the first answer) and starts every consumer.</summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var source = await AdminAsync(HttpMethod.Put, $"/api/v1/admin/sources/{SourceId}", new { organisation = SourceOrganisation, name = "Soak source" }, cancellationToken);
        _sourceSecret = source.GetProperty("secret").GetString()!;
        _serviceBus = new ServiceBusClient(broker.ConnectionString);
        foreach (var partner in Partners)
        {
            var channels = partner.Channels.Select(c => (object)(c == "webhook" ? new { type = c, url = "https://example.se/soak-placeholder" } : new { type = c })).ToArray();
            var registered = await AdminAsync(HttpMethod.Put, $"/api/v1/admin/partners/{partner.Id}", new { organisation = partner.Organisation, channels }, cancellationToken);
            foreach (var channel in partner.Channels)
            {
                var inbox = new PartnerInbox(partner.Id, channel);
                _inboxes.Add(inbox);
                switch (channel)
                {
                    case "queue":
                        var queue = new QueueClient(storage, "partner-" + partner.Id, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
                        _consumers.Add(Task.Run(() => PartnerConsumers.ReadQueueAsync(queue, inbox, _stop.Token), CancellationToken.None));
                        break;
                    case "servicebus":
                        _consumers.Add(Task.Run(() => PartnerConsumers.ReadServiceBusAsync(_serviceBus, "partner-" + partner.Id, inbox, _stop.Token), CancellationToken.None));
                        break;
                    default:
                        var receiver = await WebhookReceiver.StartAsync(registered.GetProperty("secret").GetString()!);
                        _webhooks.Add((receiver, inbox));
                        break;
                }
            }

            if (_webhooks.Count > 0 && partner.Channels.Contains("webhook"))
            {
                var url = _webhooks[^1].Receiver.Url("/ok");
                channels = partner.Channels.Select(c => (object)(c == "webhook" ? new { type = c, url } : new { type = c })).ToArray();
                await AdminAsync(HttpMethod.Put, $"/api/v1/admin/partners/{partner.Id}", new { organisation = partner.Organisation, channels }, cancellationToken);
            }
        }
    }

    /// <summary>Takes what the webhook receivers have seen into their inboxes.</summary>
    public void PumpWebhooks()
    {
        foreach (var (receiver, inbox) in _webhooks)
        {
            PartnerConsumers.ReadWebhooks(receiver, inbox);
        }
    }

    public static string Collaboration(int index, int collaborations) => "soak-samverkan-" + (index % collaborations).ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>
    /// Posts update <paramref name="index"/> until it is answered 2xx, as a source does: a 5xx, a 429, a timeout or a
    /// refused connection is tried again with the same body and <c>webhook-id</c> (a new timestamp and signature), for at
    /// most <paramref name="giveUpAfter"/>. Any other 4xx ends it (the run sends nothing a hub should refuse).
    /// </summary>
    public async Task<PostOutcome> PostAsync(int index, int collaborations, TimeSpan giveUpAfter, CancellationToken cancellationToken)
    {
        var externalId = "SOAK-" + index.ToString("D6", CultureInfo.InvariantCulture);
        var collaboration = Collaboration(index, collaborations);
        var body = JsonSerializer.Serialize(new
        {
            externalId,
            collaboration,
            kind = "decision",
            title = "Beslut om gemensam upphandling av e-arkiv, del " + index.ToString(CultureInfo.InvariantCulture),
            summary = "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen av e-arkiv tillsammans med grannkommunerna.",
            status = "active",
            area = "digitalisering",
            participants = Partners.Select(p => p.Organisation).ToArray(),
            occurredAt = FirstOccurredAt.AddMinutes(index).ToString("O", CultureInfo.InvariantCulture),
            links = new[] { new { title = "Protokoll", url = "https://www.nacka.se/protokoll/ks-2026-03-19" } },
            tags = new[] { "e-arkiv", "upphandling" },
        });
        var bytes = Encoding.UTF8.GetBytes(body);
        var webhookId = "soak-msg-" + index.ToString(CultureInfo.InvariantCulture);
        var (attempts, serverErrors, transportErrors, status) = (0, 0, 0, 0);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            attempts++;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sources/{SourceId}/updates") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", SignatureVerifier.Sign(webhookId, timestamp, bytes, Credentials.SecretBytes(_sourceSecret)));
            try
            {
                using var response = await hub.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    return new PostOutcome(index, externalId, collaboration, answer.GetProperty("id").GetString(), status, attempts, serverErrors, transportErrors, DateTimeOffset.UtcNow);
                }

                if (status < 500 && status != 429)
                {
                    return new PostOutcome(index, externalId, collaboration, null, status, attempts, serverErrors, transportErrors, DateTimeOffset.UtcNow);
                }

                serverErrors += status >= 500 ? 1 : 0;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                transportErrors++;
                status = 0;
            }

            if (watch.Elapsed > giveUpAfter)
            {
                return new PostOutcome(index, externalId, collaboration, null, status, attempts, serverErrors, transportErrors, DateTimeOffset.UtcNow);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempts)), cancellationToken);
        }
    }

    /// <summary>An admin request, tried again on a 5xx or a refused connection (setup runs before any fault is injected, but a drill's hub may be starting).</summary>
    public async Task<JsonElement> AdminAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            try
            {
                using var response = await hub.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                }

                if ((int)response.StatusCode < 500 || attempt >= 10)
                {
                    throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }
            catch (HttpRequestException) when (attempt < 10)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt), cancellationToken);
        }
    }

    /// <summary>Messages still in the partners' storage queues and Service Bus queues (their consumers drain them).</summary>
    public async Task<int> UnreadAsync(CancellationToken cancellationToken)
    {
        var unread = ServiceBusQueues.Sum(broker.CountActive);
        foreach (var name in StorageQueues)
        {
            unread += (await new QueueClient(storage, name).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }

        return unread;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_consumers);
        foreach (var (receiver, _) in _webhooks)
        {
            await receiver.DisposeAsync();
        }

        if (_serviceBus is not null)
        {
            await _serviceBus.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>Runs <paramref name="action"/> for 0..count-1 with at most <paramref name="concurrency"/> at once.</summary>
    public static async Task RunConcurrentlyAsync(int count, int concurrency, Func<int, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await action(i);
            }
        }));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> carrying <paramref name="explain"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> explain, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:F0} s: {await explain()}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}

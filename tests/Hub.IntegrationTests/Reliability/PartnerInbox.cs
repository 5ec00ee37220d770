using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// What one partner's channel received, as the partner sees it: every CloudEvent by its <c>id</c> (the update id, the
/// same on every retry), how many times it came, and the order of first arrivals. Delivery is at least once, so a
/// repeated id is a duplicate the partner drops.
/// </summary>
internal sealed class PartnerInbox(string partnerId, string channel)
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _firstArrivals = new();

    public string PartnerId => partnerId;

    public string Channel => channel;

    /// <summary>Deliveries that were not a CloudEvent of ours, or (webhooks) carried no valid signature.</summary>
    public int Unverified => Volatile.Read(ref _unverified);

    private int _unverified;

    public int Received => _counts.Values.Sum();

    public int Distinct => _counts.Count;

    public int Duplicates => _counts.Values.Sum(c => c - 1);

    public bool Holds(string id) => _counts.ContainsKey(id);

    public int CountOf(string id) => _counts.GetValueOrDefault(id);

    /// <summary>Ids in the order they first arrived.</summary>
    public IReadOnlyList<string> FirstArrivals => [.. _firstArrivals];

    /// <summary>Ids that came more than once, with how many times.</summary>
    public IReadOnlyList<(string Id, int Count)> Duplicated => [.. _counts.Where(c => c.Value > 1).Select(c => (c.Key, c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal)];

    public void Receive(string id)
    {
        if (_counts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
        {
            _firstArrivals.Enqueue(id);
        }
    }

    /// <summary>A CloudEvent as JSON text: its <c>id</c>.</summary>
    public void ReceiveEvent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } value
                && document.RootElement.TryGetProperty("specversion", out _))
            {
                Receive(value);
                return;
            }
        }
        catch (JsonException)
        {
        }

        Interlocked.Increment(ref _unverified);
    }

    public void RejectUnverified() => Interlocked.Increment(ref _unverified);
}

/// <summary>The partners' consumers, as partners run them: a storage-queue reader, a Service Bus receiver, a webhook receiver.</summary>
internal static class PartnerConsumers
{
    /// <summary>Receives up to 32 at a time, notes each event, deletes them; until cancelled.</summary>
    public static async Task ReadQueueAsync(QueueClient queue, PartnerInbox inbox, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(2), cancellationToken)).Value;
                foreach (var message in messages)
                {
                    inbox.ReceiveEvent(message.MessageText);
                }

                await Task.WhenAll(messages.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, CancellationToken.None)));
                if (messages.Length < 32)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                // Storage away (a drill kills it): a partner's reader tries again.
                await DelayAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    /// <summary>Receives with PeekLock, notes each event, completes it; until cancelled.</summary>
    public static async Task ReadServiceBusAsync(ServiceBusClient client, string queueName, PartnerInbox inbox, CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queueName, new ServiceBusReceiverOptions { PrefetchCount = 0 });
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var messages = await receiver.ReceiveMessagesAsync(100, TimeSpan.FromMilliseconds(500), cancellationToken);
                foreach (var message in messages)
                {
                    inbox.ReceiveEvent(message.Body.ToString());
                }

                await Task.WhenAll(messages.Select(m => receiver.CompleteMessageAsync(m, CancellationToken.None)));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ServiceBusException)
            {
                await DelayAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    /// <summary>Takes what a webhook receiver has seen so far: each request answered 200 with a valid signature counts, by webhook-id (the update id).</summary>
    public static void ReadWebhooks(WebhookReceiver receiver, PartnerInbox inbox)
    {
        while (receiver.Received.TryDequeue(out var request))
        {
            if (request.Status != 200)
            {
                continue;
            }

            if (!request.SignatureValid || request.WebhookId is not { Length: > 0 } id)
            {
                inbox.RejectUnverified();
                continue;
            }

            inbox.Receive(id);
        }
    }

    private static async Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

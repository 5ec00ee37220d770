using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Mellanrum.Hub.Local;

/// <summary>
/// Runs one queue-triggered function as the Functions host does, from <c>host.json</c>: batches of <c>batchSize</c>
/// processed in parallel, polling backing off up to <c>maxPollingInterval</c>, a failed message made visible again after
/// <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c> attempts moved to <c>&lt;queue&gt;-poison</c>. Stopping
/// cancels every running invocation's token, waits for them, and makes their messages visible again at once (never
/// deleted: what was in flight is redelivered, not taken as done).
/// </summary>
public sealed class QueueListener(
    FunctionDescriptor function,
    string queueName,
    QueueServiceClient queues,
    QueueSettings settings,
    FunctionInvoker invoker,
    ILogger<QueueListener> logger) : BackgroundService
{
    public string QueueName => queueName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        var delay = TimeSpan.FromMilliseconds(100);
        var running = new System.Collections.Concurrent.ConcurrentDictionary<Task, byte>();
        using var slotFreed = new SemaphoreSlim(0);
        var created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // As the Functions host: a new batch is fetched once no more than newBatchThreshold messages are running.
                if (running.Count > settings.NewBatchThreshold)
                {
                    await slotFreed.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                // Created once (and again if it was deleted), not on every poll: one request less per poll.
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }

                QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, settings.ReceiveLease, stoppingToken);
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                    continue;
                }

                delay = TimeSpan.FromMilliseconds(100);
                foreach (var message in messages)
                {
                    var task = Task.Run(() => ProcessAsync(queue, poison, message, stoppingToken), CancellationToken.None);
                    running.TryAdd(task, 0);
                    _ = task.ContinueWith(
                        t =>
                        {
                            running.TryRemove(t, out _);
                            slotFreed.Release();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException)
            {
                created &= e is not RequestFailedException { Status: 404 };
                logger.LogWarning("Polling queue {Queue} failed ({Error}); trying again", queueName, e.GetType().Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(running.Keys);
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        Exception? failure = null;
        try
        {
            var text = settings.MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText))
                : message.MessageText;
            await invoker.InvokeAsync(function, text, new Dictionary<string, object?> { ["DequeueCount"] = message.DequeueCount, ["Id"] = message.MessageId }, stoppingToken);
        }
        catch (Exception e)
        {
            failure = e;
        }

        try
        {
            if (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the invocation's token was cancelled, so whatever it did may be half-done (even when it
                // returned). Its message is neither deleted nor counted as a failure: it is made visible again at once,
                // for this hub after a restart or for another instance.
                await ReleaseAsync(queue, message);
            }
            else if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogError(failure, "Function {Function} failed on message {MessageId} {Attempts} times; moving it to {Queue}-poison", function.Name, message.MessageId, message.DequeueCount, queueName);
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            }
            else
            {
                logger.LogWarning(failure, "Function {Function} failed on message {MessageId} (attempt {Attempt}); retrying after {Delay}", function.Name, message.MessageId, message.DequeueCount, settings.VisibilityTimeout);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            // The message stays invisible until its receive visibility ends, then comes back: nothing is lost.
            logger.LogWarning("Could not settle message {MessageId} of queue {Queue} ({Error}); it comes back by itself", message.MessageId, queueName, e.GetType().Name);
        }
    }

    /// <summary>Makes a message visible again now (bounded, so that a storage outage cannot hold the shutdown).</summary>
    private static async Task ReleaseAsync(QueueClient queue, QueueMessage message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: timeout.Token);
    }
}

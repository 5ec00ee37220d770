using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>
/// Reads the storage queue <c>partner-{id}</c>: each message is one CloudEvent as plain UTF-8 JSON text. A message is
/// deleted once applied; one that can never be read, or that failed <see cref="StorageSettings.MaxDequeueCount"/>
/// times, is moved to <c>{queue}-poison</c> (the Azure Functions convention) so nothing is lost silently.
/// </summary>
public sealed partial class StorageQueueConsumer(
    QueueServiceClient queues,
    IOptions<PartnerOptions> options,
    UpdateProcessor processor,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<StorageQueueConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxIdleDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var queue = queues.GetQueueClient(settings.QueueName);
        var poison = queues.GetQueueClient(settings.QueueName + "-poison");
        LogListening(settings.QueueName);

        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(maxMessages: 16, VisibilityTimeout, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // The queue went away while running (checked at start): one line and a non-zero exit, no stack trace.
                LogQueueGone(settings.QueueName, e.ErrorCode ?? "404");
                Environment.ExitCode = ExitCodes.Unavailable;
                lifetime.StopApplication();
                return;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException)
            {
                // The SDK already retried: wait and try again (the storage account may be restarting).
                LogReceiveFailed(settings.QueueName, e is RequestFailedException r ? r.ErrorCode ?? r.Status.ToString(CultureInfo.InvariantCulture) : e.GetBaseException().Message);
                messages = [];
                idle = MaxIdleDelay;
            }

            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(idle, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdleDelay.Ticks));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(100);
            foreach (var message in messages)
            {
                await HandleAsync(queue, poison, message, settings.Storage.MaxDequeueCount, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, int maxDequeueCount, CancellationToken cancellationToken)
    {
        HubEvent hubEvent;
        try
        {
            hubEvent = HubEventReader.Read(message.Body.ToMemory());
        }
        catch (UnreadableEventException)
        {
            // The body goes to the poison queue as it came; the log names the message only (never its content).
            await MoveToPoisonAsync(queue, poison, message, "UnreadableEvent", cancellationToken);
            return;
        }

        Outcome outcome;
        try
        {
            outcome = processor.Handle(hubEvent);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left on the queue: it becomes visible again after the visibility timeout and is retried.
            LogHandleFailed(e, message.MessageId, message.DequeueCount);
            if (message.DequeueCount >= maxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, "TooManyAttempts", cancellationToken);
            }

            return;
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        DeliveryLog.Delivered(logger, "Storage queue " + queue.Name, hubEvent, outcome);
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        LogPoisoned(message.MessageId, reason);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(Encoding.UTF8.GetString(message.Body.ToMemory().Span), cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on storage queue {Queue}")]
    private partial void LogListening(string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage queue {Queue} no longer exists ({ErrorCode}); stopping")]
    private partial void LogQueueGone(string queue, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read storage queue {Queue} ({Reason}); trying again")]
    private partial void LogReceiveFailed(string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved message {MessageId} to the poison queue: {Reason}")]
    private partial void LogPoisoned(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {MessageId} failed (attempt {DequeueCount})")]
    private partial void LogHandleFailed(Exception exception, string messageId, long dequeueCount);
}

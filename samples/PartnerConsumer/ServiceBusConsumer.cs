using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>
/// Reads the Service Bus queue <c>partner-{id}</c>: each message is one CloudEvent (<c>MessageId</c> = update id,
/// <c>Subject</c> = kind, application properties <c>organisation</c>, <c>collaboration</c>, <c>kind</c>, <c>area</c>).
/// A message is completed once applied, dead-lettered when it can never be read, and abandoned (so retried, then
/// dead-lettered by the broker after its max delivery count) when applying fails.
/// </summary>
public sealed partial class ServiceBusConsumer(
    ServiceBusClient client,
    IOptions<PartnerOptions> options,
    UpdateProcessor processor,
    IHostApplicationLifetime lifetime,
    ILogger<ServiceBusConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await using var receiver = client.CreateProcessor(settings.QueueName, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = settings.ServiceBus.MaxConcurrentCalls,
            PrefetchCount = settings.ServiceBus.MaxConcurrentCalls * 4,
        });
        receiver.ProcessMessageAsync += HandleAsync;
        receiver.ProcessErrorAsync += args =>
        {
            if (args.Exception is ServiceBusException { Reason: ServiceBusFailureReason.MessagingEntityNotFound })
            {
                // The queue went away while running (checked at start): one line and a non-zero exit, no stack trace.
                LogQueueGone(args.EntityPath);
                Environment.ExitCode = ExitCodes.Unavailable;
                lifetime.StopApplication();
            }
            else
            {
                LogReceiveError(args.Exception, args.EntityPath, args.ErrorSource.ToString());
            }

            return Task.CompletedTask;
        };

        await receiver.StartProcessingAsync(stoppingToken);
        LogListening(settings.QueueName);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        await receiver.StopProcessingAsync(CancellationToken.None);
    }

    private async Task HandleAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        if (message.ContentType is { } contentType && !contentType.StartsWith(HubEventReader.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            await DeadLetterAsync(args, "UnsupportedContentType", $"Expected {HubEventReader.ContentType}.");
            return;
        }

        HubEvent hubEvent;
        try
        {
            hubEvent = HubEventReader.Read(message.Body.ToMemory());
        }
        catch (UnreadableEventException e)
        {
            await DeadLetterAsync(args, "UnreadableEvent", e.Message);
            return;
        }

        var outcome = processor.Handle(hubEvent); // an exception here abandons the message: it comes back, then dead-letters
        await args.CompleteMessageAsync(message, args.CancellationToken);
        DeliveryLog.Delivered(logger, "Service Bus queue " + args.EntityPath, hubEvent, outcome);
    }

    private async Task DeadLetterAsync(ProcessMessageEventArgs args, string reason, string description)
    {
        LogDeadLettered(args.Message.MessageId, reason);
        var trimmed = description.Length > 1024 ? description[..1024] : description;
        await args.DeadLetterMessageAsync(args.Message, reason, trimmed, args.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on Service Bus queue {Queue}")]
    private partial void LogListening(string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service Bus queue {Queue} no longer exists; stopping")]
    private partial void LogQueueGone(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered message {MessageId}: {Reason}")]
    private partial void LogDeadLettered(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service Bus error on {EntityPath} ({ErrorSource})")]
    private partial void LogReceiveError(Exception exception, string entityPath, string errorSource);
}

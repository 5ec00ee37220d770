using Azure.Storage.Queues;
using Mellanrum.Hub.Local;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>A queue function that fails on one message and succeeds on the others, hosted the way Hub.Local hosts it.</summary>
public sealed class FlakyQueueFunction
{
    public static readonly System.Collections.Concurrent.ConcurrentQueue<string> Handled = new();

    [Function(nameof(FlakyQueueFunction))]
    public Task Run([QueueTrigger("listener-test")] string message)
    {
        if (message.Contains("boom", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("This message always fails.");
        }

        Handled.Enqueue(message);
        return Task.CompletedTask;
    }
}

/// <summary>Hub.Local runs queues as the Functions host does: a failing message is retried, then moved to &lt;queue&gt;-poison.</summary>
public sealed class QueueListenerTests : IAsyncLifetime
{
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null);

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task FailingMessage_IsTriedMaxDequeueCountTimes_ThenMovedToPoison_OthersAreHandled()
    {
        var queues = new QueueServiceClient(_azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queue = queues.GetQueueClient("listener-test");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("fine-1");
        await queue.SendMessageAsync("boom");
        await queue.SendMessageAsync("fine-2");

        var function = FunctionCatalog.Load(typeof(FlakyQueueFunction).Assembly).Single(f => f.Name == nameof(FlakyQueueFunction));
        var settings = new QueueSettings(BatchSize: 4, NewBatchThreshold: 2, MaxPollingInterval: TimeSpan.FromMilliseconds(200), VisibilityTimeout: TimeSpan.Zero, MaxDequeueCount: 3, MessageEncoding: "none");
        using var services = new ServiceCollection().BuildServiceProvider();
        using var listener = new QueueListener(function, "listener-test", queues, settings, new FunctionInvoker(services), NullLogger<QueueListener>.Instance);
        await listener.StartAsync(CancellationToken.None);

        var poison = queues.GetQueueClient("listener-test-poison");
        var moved = await Infrastructure.LocalHubFixture.EventuallyAsync(async () =>
        {
            if (!await poison.ExistsAsync())
            {
                return null;
            }

            var peeked = (await poison.PeekMessagesAsync(10)).Value;
            return peeked.Length > 0 ? peeked : null;
        }, what: "the poison message");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(["boom"], moved.Select(m => m.MessageText));
        Assert.Equal(["fine-1", "fine-2"], FlakyQueueFunction.Handled.Order());
        Assert.Empty((await queue.PeekMessagesAsync(10)).Value);
    }
}

using Azure.Messaging.ServiceBus;

namespace Mellanrum.Hub.ServiceBusBroker.Tests;

public sealed class TestServiceBusBrokerTests
{
    const string Queue = "partner-acme";
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SendMessagesAsync_Batch_EachMessageReceivedOnceWithPropertiesIntact()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await using var sender = client.CreateSender(Queue);
        using var batch = await sender.CreateMessageBatchAsync();
        for (var i = 0; i < 3; i++)
        {
            var message = new ServiceBusMessage(new BinaryData([1, 2, (byte)i]))
            {
                MessageId = $"update-{i}",
                Subject = "collaboration.updated",
                ContentType = "application/json",
            };
            message.ApplicationProperties["partner"] = "acme";
            message.ApplicationProperties["attempt"] = i;
            Assert.True(batch.TryAddMessage(message));
        }

        await sender.SendMessagesAsync(batch);
        Assert.Equal(3, broker.CountActive(Queue));

        await using var receiver = client.CreateReceiver(Queue);
        var received = new List<ServiceBusReceivedMessage>();
        while (received.Count < 3)
        {
            var messages = await receiver.ReceiveMessagesAsync(3 - received.Count, TimeSpan.FromSeconds(5));
            foreach (var message in messages)
            {
                received.Add(message);
                await receiver.CompleteMessageAsync(message);
            }
        }

        Assert.Equal(["update-0", "update-1", "update-2"], received.Select(message => message.MessageId));
        Assert.All(received, message =>
        {
            Assert.Equal("collaboration.updated", message.Subject);
            Assert.Equal("application/json", message.ContentType);
            Assert.Equal("acme", message.ApplicationProperties["partner"]);
            Assert.Equal(1, message.DeliveryCount);
        });
        Assert.Equal([1, 2, 2], received[2].Body.ToArray());
        Assert.Equal(2, received[2].ApplicationProperties["attempt"]);
        Assert.Equal(0, broker.CountActive(Queue));
        Assert.Empty(await receiver.ReceiveMessagesAsync(1, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task CreateMessageBatchAsync_BrokerMaxMessageSize_TryAddMessageReturnsFalseWhenFull()
    {
        await using var broker = await TestServiceBusBroker.StartAsync(new TestServiceBusBrokerOptions { MaxMessageSize = 4096 });
        broker.CreateQueue(Queue);
        await using var client = Client(broker);
        await using var sender = client.CreateSender(Queue);
        using var batch = await sender.CreateMessageBatchAsync();

        var added = 0;
        while (batch.TryAddMessage(new ServiceBusMessage(new byte[1000])))
        {
            added++;
        }

        Assert.Equal(4096, batch.MaxSizeInBytes);
        Assert.InRange(added, 1, 4);
        await sender.SendMessagesAsync(batch);
        Assert.Equal(added, broker.CountActive(Queue));
    }

    [Fact]
    public async Task AbandonMessageAsync_PeekLock_RedeliversWithDeliveryCountIncremented()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await SendAsync(client, "m-1");
        await using var receiver = client.CreateReceiver(Queue);

        var first = await receiver.ReceiveMessageAsync(Bound);
        await receiver.AbandonMessageAsync(first);
        var second = await receiver.ReceiveMessageAsync(Bound);

        Assert.Equal("m-1", second.MessageId);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(2, second.DeliveryCount);
        Assert.NotEqual(first.LockToken, second.LockToken);
        await receiver.CompleteMessageAsync(second);
        Assert.Equal(0, broker.CountActive(Queue));
    }

    [Fact]
    public async Task DeadLetterMessageAsync_WithReason_MovesToDeadLetterQueueWithReason()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await SendAsync(client, "poison");
        await using var receiver = client.CreateReceiver(Queue);

        var message = await receiver.ReceiveMessageAsync(Bound);
        await receiver.DeadLetterMessageAsync(message, "UnknownKind", "The kind 'x' is not in the vocabulary.");

        Assert.Equal(0, broker.CountActive(Queue));
        Assert.Equal(1, broker.CountDeadLettered(Queue));
        Assert.Equal("UnknownKind", broker.PeekDeadLettered(Queue)[0].DeadLetterReason);
        await using var deadLetters = client.CreateReceiver(Queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var deadLettered = await deadLetters.ReceiveMessageAsync(Bound);
        Assert.Equal("poison", deadLettered.MessageId);
        Assert.Equal("UnknownKind", deadLettered.DeadLetterReason);
        Assert.Equal("The kind 'x' is not in the vocabulary.", deadLettered.DeadLetterErrorDescription);
        await deadLetters.CompleteMessageAsync(deadLettered);
        Assert.Equal(0, broker.CountDeadLettered(Queue));
    }

    [Fact]
    public async Task PeekMessagesAsync_QueuedMessages_ReturnedInOrderWithoutLocking()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await SendAsync(client, "a", "b", "c");
        await using var receiver = client.CreateReceiver(Queue);

        var peeked = await receiver.PeekMessagesAsync(10);

        Assert.Equal(["a", "b", "c"], peeked.Select(message => message.MessageId));
        Assert.Equal(peeked.Select(message => message.SequenceNumber).Order(), peeked.Select(message => message.SequenceNumber));
        Assert.All(broker.Peek(Queue), message => Assert.False(message.IsLocked));
        Assert.Equal("a", (await receiver.ReceiveMessageAsync(Bound)).MessageId);
    }

    [Fact]
    public async Task RenewMessageLockAsync_LockedMessage_ExtendsLockAndMessageCanBeCompleted()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await SendAsync(client, "long-running");
        await using var receiver = client.CreateReceiver(Queue);
        var message = await receiver.ReceiveMessageAsync(Bound);
        var lockedUntil = message.LockedUntil;
        await Task.Delay(50);

        await receiver.RenewMessageLockAsync(message);

        Assert.True(message.LockedUntil > lockedUntil);
        await receiver.CompleteMessageAsync(message);
        Assert.Equal(0, broker.CountActive(Queue));
    }

    [Fact]
    public async Task CompleteMessageAsync_AlreadyCompleted_ThrowsMessageLockLost()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await SendAsync(client, "once");
        await using var receiver = client.CreateReceiver(Queue);
        var message = await receiver.ReceiveMessageAsync(Bound);
        await receiver.CompleteMessageAsync(message);

        var exception = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(message));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, exception.Reason);
    }

    [Fact]
    public async Task ServiceBusProcessor_QueuedMessages_ReceivedInOrderAndStopsPromptly()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        var ids = Enumerable.Range(0, 50).Select(i => $"p-{i}").ToArray();
        await SendAsync(client, ids);
        var received = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var processor = client.CreateProcessor(Queue, new ServiceBusProcessorOptions { MaxConcurrentCalls = 1 });
        processor.ProcessMessageAsync += args =>
        {
            lock (received)
            {
                received.Add(args.Message.MessageId);
                if (received.Count == ids.Length)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args => Task.CompletedTask;

        await processor.StartProcessingAsync();
        await all.Task.WaitAsync(Bound);
        await processor.StopProcessingAsync().WaitAsync(Bound);
        await processor.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(ids, received);
        Assert.Equal(0, broker.CountActive(Queue));
    }

    [Fact]
    public async Task ReceiveMessageAsync_UnknownQueue_ThrowsMessagingEntityNotFound()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await using var receiver = client.CreateReceiver("no-such-queue");

        var exception = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveMessageAsync(Bound));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, exception.Reason);
    }

    [Fact]
    public async Task SendMessageAsync_UnknownQueue_ThrowsMessagingEntityNotFound()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await using var sender = client.CreateSender("no-such-queue");

        var exception = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, exception.Reason);
    }

    [Fact]
    public async Task ServiceBusProcessor_TwentyThousandMessagesWithPrefetch_AllArrive()
    {
        const int Total = 20_000;
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await using (var sender = client.CreateSender(Queue))
        {
            var next = 0;
            while (next < Total)
            {
                using var batch = await sender.CreateMessageBatchAsync();
                while (next < Total && batch.TryAddMessage(new ServiceBusMessage(new byte[64]) { MessageId = next.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
                {
                    next++;
                }

                await sender.SendMessagesAsync(batch);
            }
        }

        var seen = new bool[Total];
        var count = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var processor = client.CreateProcessor(Queue, new ServiceBusProcessorOptions { PrefetchCount = 200, MaxConcurrentCalls = 4 });
        processor.ProcessMessageAsync += args =>
        {
            var index = int.Parse(args.Message.MessageId, System.Globalization.CultureInfo.InvariantCulture);
            if (!Interlocked.Exchange(ref seen[index], true) && Interlocked.Increment(ref count) == Total)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args => Task.CompletedTask;

        await processor.StartProcessingAsync();
        var finished = await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(120)));
        await processor.StopProcessingAsync().WaitAsync(Bound);

        Assert.True(finished == all.Task, $"{Volatile.Read(ref count)} of {Total} messages arrived (flow-control recoveries: {broker.FlowControlRecoveries})");
        Assert.Equal(0, broker.CountActive(Queue));
    }

    [Fact]
    public async Task ReceiveMessageAsync_SessionWindowLostToFlowControlRace_GuardRestartsDelivery()
    {
        await using var broker = await StartWithQueueAsync();
        await using var client = Client(broker);
        await using var receiver = client.CreateReceiver(Queue);
        var receiving = receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(25));
        while (broker.ConsumersWithCredit(Queue) == 0)
        {
            await Task.Delay(20);
        }

        broker.SimulateFlowControlStall();
        await SendAsync(client, "after-stall");
        var message = await receiving.WaitAsync(Bound);

        Assert.Equal("after-stall", message?.MessageId);
        Assert.True(broker.FlowControlRecoveries >= 1);
    }

    static async Task<TestServiceBusBroker> StartWithQueueAsync()
    {
        var broker = await TestServiceBusBroker.StartAsync();
        broker.CreateQueue(Queue);
        return broker;
    }

    static ServiceBusClient Client(TestServiceBusBroker broker) => new(broker.ConnectionString, new ServiceBusClientOptions
    {
        RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, TryTimeout = TimeSpan.FromSeconds(20) },
    });

    static async Task SendAsync(ServiceBusClient client, params string[] messageIds)
    {
        await using var sender = client.CreateSender(Queue);
        await sender.SendMessagesAsync(messageIds.Select(id => new ServiceBusMessage(id) { MessageId = id }));
    }
}

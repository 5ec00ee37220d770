using Amqp;
using Amqp.Framing;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>What a settlement did, so callers can answer the SDK.</summary>
internal enum SettleResult
{
    Done,
    LockLost,
}

/// <summary>
/// One queue (or a queue's dead-letter sub-queue): messages in sequence order, PeekLock locks and the
/// consumer links that hold credit. All state is behind one gate; deliveries are written by a single
/// pumping thread at a time so that each link sees messages in order.
/// </summary>
internal sealed class BrokerQueue(string name, BrokerQueue? deadLetterQueue, BrokerContext context)
{
    readonly object gate = new();
    readonly SortedDictionary<long, StoredMessage> active = [];
    readonly SortedSet<long> available = [];
    readonly Dictionary<Guid, StoredMessage> locks = [];
    readonly List<ConsumerEndpoint> consumers = [];
    int nextConsumer;
    bool pumping;
    bool pumpAgain;

    public string Name { get; } = name;

    public BrokerQueue? DeadLetterQueue { get; } = deadLetterQueue;

    /// <summary>When set, every send is rejected with this AMQP error condition (see <see cref="TestServiceBusBroker.RefuseSends"/>).</summary>
    public string? RefusedWith { get; set; }

    /// <summary>Sends refused so far.</summary>
    public int Refused;

    /// <summary>The entity path messages here were dead-lettered from, if this is a dead-letter queue.</summary>
    public string? DeadLetterSource { get; init; }

    public object Gate => gate;

    public int Count
    {
        get { lock (gate) { return active.Count; } }
    }

    public int ConsumersWithCredit
    {
        get { lock (gate) { return consumers.Count(consumer => consumer.Credit > 0); } }
    }

    public IReadOnlyList<BrokerMessage> Snapshot()
    {
        lock (gate)
        {
            return [.. active.Values.Select(message => message.ToView())];
        }
    }

    public void Enqueue(IEnumerable<byte[]> payloads)
    {
        var now = context.TimeProvider.GetUtcNow();
        lock (gate)
        {
            foreach (var payload in payloads)
            {
                var message = new StoredMessage(context.NextSequenceNumber(), payload, now);
                active.Add(message.SequenceNumber, message);
                available.Add(message.SequenceNumber);
            }
        }

        Pump();
    }

    void EnqueueExisting(StoredMessage message)
    {
        lock (gate)
        {
            active.Add(message.SequenceNumber, message);
            available.Add(message.SequenceNumber);
        }

        Pump();
    }

    public IReadOnlyList<StoredMessage> PeekFrom(long fromSequenceNumber, int count)
    {
        lock (gate)
        {
            return [.. active.Values.Where(message => message.SequenceNumber >= fromSequenceNumber).Take(count)];
        }
    }

    public void AddConsumer(ConsumerEndpoint consumer)
    {
        lock (gate)
        {
            consumers.Add(consumer);
        }
    }

    /// <summary>A consumer link closed: its unsettled messages become available again (not counted as a delivery).</summary>
    public void RemoveConsumer(ConsumerEndpoint consumer)
    {
        lock (gate)
        {
            consumers.Remove(consumer);
            foreach (var message in locks.Values.Where(message => message.Holder == consumer).ToList())
            {
                Unlock(message);
                available.Add(message.SequenceNumber);
            }
        }

        Pump();
    }

    public void OnCredit(ConsumerEndpoint consumer, int delta)
    {
        lock (gate)
        {
            consumer.Credit = delta > 0 ? consumer.Credit + delta : 0;
        }

        Pump();
    }

    public SettleResult Complete(Guid lockToken)
    {
        lock (gate)
        {
            if (!TryTakeLock(lockToken, out var message))
            {
                return SettleResult.LockLost;
            }

            active.Remove(message.SequenceNumber);
        }

        return SettleResult.Done;
    }

    /// <summary>Releases the lock; <paramref name="countDelivery"/> is true for abandon, false for release.</summary>
    public SettleResult Abandon(Guid lockToken, bool countDelivery)
    {
        StoredMessage? deadLettered = null;
        lock (gate)
        {
            if (!TryTakeLock(lockToken, out var message))
            {
                return SettleResult.LockLost;
            }

            if (countDelivery && ++message.DeliveryCount >= context.Options.MaxDeliveryCount && DeadLetterQueue is not null)
            {
                active.Remove(message.SequenceNumber);
                deadLettered = message;
            }
            else
            {
                available.Add(message.SequenceNumber);
            }
        }

        if (deadLettered is not null)
        {
            MoveToDeadLetter(deadLettered, "MaxDeliveryCountExceeded", "Message could not be consumed after " + context.Options.MaxDeliveryCount + " delivery attempts.");
        }

        Pump();
        return SettleResult.Done;
    }

    public SettleResult DeadLetter(Guid lockToken, string? reason, string? description)
    {
        StoredMessage message;
        lock (gate)
        {
            if (!TryTakeLock(lockToken, out message!))
            {
                return SettleResult.LockLost;
            }

            active.Remove(message.SequenceNumber);
        }

        if (DeadLetterQueue is null)
        {
            // Dead-lettering from a dead-letter queue just removes the message, as Service Bus does.
            return SettleResult.Done;
        }

        MoveToDeadLetter(message, reason, description);
        return SettleResult.Done;
    }

    public DateTimeOffset? RenewLock(Guid lockToken)
    {
        lock (gate)
        {
            if (!locks.TryGetValue(lockToken, out var message))
            {
                return null;
            }

            message.LockedUntil = context.TimeProvider.GetUtcNow() + context.Options.LockDuration;
            return message.LockedUntil;
        }
    }

    /// <summary>Locks past their expiry go back to the queue with their delivery counted, as in Service Bus.</summary>
    public void ExpireLocks(DateTimeOffset now)
    {
        List<Guid> expired;
        lock (gate)
        {
            expired = [.. locks.Where(pair => pair.Value.LockedUntil <= now).Select(pair => pair.Key)];
        }

        foreach (var token in expired)
        {
            Abandon(token, countDelivery: true);
        }
    }

    void MoveToDeadLetter(StoredMessage message, string? reason, string? description)
    {
        var decoded = message.Decode();
        decoded.ApplicationProperties ??= new ApplicationProperties();
        if (reason is not null)
        {
            decoded.ApplicationProperties[AmqpNames.DeadLetterReasonProperty] = reason;
        }

        if (description is not null)
        {
            decoded.ApplicationProperties[AmqpNames.DeadLetterDescriptionProperty] = description;
        }

        message.Payload = StoredMessage.Encode(decoded);
        message.DeliveryCount = 0;
        DeadLetterQueue!.EnqueueExisting(message);
        context.Log?.Invoke($"Dead-lettered message {message.SequenceNumber} from {Name}");
    }

    bool TryTakeLock(Guid lockToken, out StoredMessage message)
    {
        if (!locks.Remove(lockToken, out message!))
        {
            return false;
        }

        Unlock(message);
        return true;
    }

    static void Unlock(StoredMessage message)
    {
        message.LockToken = null;
        message.Holder = null;
    }

    /// <summary>
    /// Hands available messages to consumers with credit and answers drains. Only one thread pumps at a
    /// time; a call that finds a pump running asks it to go round again.
    /// </summary>
    public void Pump()
    {
        lock (gate)
        {
            if (pumping)
            {
                pumpAgain = true;
                return;
            }

            pumping = true;
        }

        try
        {
            while (true)
            {
                var sends = new List<(ConsumerEndpoint Consumer, StoredMessage Message, Message Outgoing)>();
                var drains = new List<ConsumerEndpoint>();
                lock (gate)
                {
                    pumpAgain = false;
                    TakeDeliveries(sends);
                    foreach (var consumer in consumers.Where(consumer => consumer.Link.IsDraining && (consumer.Credit == 0 || available.Count == 0)))
                    {
                        consumer.Credit = 0;
                        drains.Add(consumer);
                    }

                    if (sends.Count == 0 && drains.Count == 0 && !pumpAgain)
                    {
                        pumping = false;
                        return;
                    }
                }

                foreach (var (consumer, message, outgoing) in sends)
                {
                    consumer.Send(message, outgoing);
                }

                foreach (var consumer in drains)
                {
                    consumer.CompleteDrain();
                }
            }
        }
        catch
        {
            lock (gate)
            {
                pumping = false;
            }

            throw;
        }
    }

    void TakeDeliveries(List<(ConsumerEndpoint, StoredMessage, Message)> sends)
    {
        const int MaxPerRound = 64;
        while (sends.Count < MaxPerRound && available.Count > 0)
        {
            var consumer = NextConsumerWithCredit();
            if (consumer is null)
            {
                return;
            }

            var sequenceNumber = available.Min;
            available.Remove(sequenceNumber);
            var message = active[sequenceNumber];
            consumer.Credit--;
            if (consumer.Link.SettleOnSend)
            {
                // ReceiveAndDelete: the message leaves the queue as it is sent.
                active.Remove(sequenceNumber);
            }
            else
            {
                var token = Guid.NewGuid();
                message.LockToken = token;
                message.LockedUntil = context.TimeProvider.GetUtcNow() + context.Options.LockDuration;
                message.Holder = consumer;
                locks.Add(token, message);
            }

            sends.Add((consumer, message, message.ToOutgoing(DeadLetterSource)));
        }
    }

    ConsumerEndpoint? NextConsumerWithCredit()
    {
        for (var i = 0; i < consumers.Count; i++)
        {
            var consumer = consumers[(nextConsumer + i) % consumers.Count];
            if (consumer.Credit > 0 && consumer.IsOpen)
            {
                nextConsumer = (nextConsumer + i + 1) % consumers.Count;
                return consumer;
            }
        }

        return null;
    }
}

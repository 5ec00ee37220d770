using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>
/// An in-process AMQP 1.0 broker that speaks enough of the Service Bus dialect for the real
/// <c>Azure.Messaging.ServiceBus</c> client: queues, batches, PeekLock, dead-lettering, peek, lock renewal.
/// It binds 127.0.0.1 on a free port; connect with <see cref="ConnectionString"/>.
/// </summary>
public sealed class TestServiceBusBroker : IAsyncDisposable
{
    readonly ContainerHost host;
    readonly BrokerContext context;
    readonly ConcurrentDictionary<string, BrokerQueue> entities = new(StringComparer.OrdinalIgnoreCase);
    readonly ITimer lockTimer;
    readonly FlowControlGuard guard;

    TestServiceBusBroker(ContainerHost host, int port, BrokerContext context)
    {
        this.host = host;
        this.context = context;
        Port = port;
        guard = new FlowControlGuard(context);
        lockTimer = context.TimeProvider.CreateTimer(_ => ExpireLocks(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The TCP port the broker listens on (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>A Service Bus connection string for this broker (no TLS, any key).</summary>
    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true";

    /// <summary>Times the guard had to restart a session whose outgoing window AMQPNetLite lost.</summary>
    public int FlowControlRecoveries => guard.Recoveries;

    /// <summary>Starts a broker on 127.0.0.1 and a free port.</summary>
    public static Task<TestServiceBusBroker> StartAsync(TestServiceBusBrokerOptions? options = null)
    {
        options ??= new TestServiceBusBrokerOptions();
        var context = new BrokerContext(options);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var host = new ContainerHost(new Address($"amqp://127.0.0.1:{port}"));
            try
            {
                var broker = new TestServiceBusBroker(host, port, context);
                broker.Configure();
                host.Open();
                return Task.FromResult(broker);
            }
            catch (SocketException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; try another.
            }
        }
    }

    /// <summary>Creates a queue (and its dead-letter queue). Creating an existing queue does nothing.</summary>
    public void CreateQueue(string name)
    {
        var key = Normalize(name);
        if (entities.ContainsKey(key))
        {
            return;
        }

        var deadLetterKey = key + AmqpNames.DeadLetterSuffix;
        var deadLetter = new BrokerQueue(deadLetterKey, null, context) { DeadLetterSource = key };
        var queue = new BrokerQueue(key, deadLetter, context);
        entities[deadLetterKey] = deadLetter;
        entities[key] = queue;
        host.RegisterRequestProcessor(key + AmqpNames.ManagementSuffix, new ManagementProcessor(queue, context));
        host.RegisterRequestProcessor(deadLetterKey + AmqpNames.ManagementSuffix, new ManagementProcessor(deadLetter, context));
    }

    /// <summary>
    /// Rejects every send to a queue with an AMQP error condition, as Service Bus does: <c>amqp:resource-limit-exceeded</c>
    /// (the queue is full: the SDK's <c>QuotaExceeded</c>), <c>amqp:link:message-size-exceeded</c> (<c>MessageSizeExceeded</c>),
    /// <c>com.microsoft:server-busy</c> (<c>ServiceBusy</c>); null accepts sends again.
    /// </summary>
    public void RefuseSends(string queueName, string? condition) => Queue(queueName).RefusedWith = condition;

    /// <summary>How many sends to a queue <see cref="RefuseSends"/> has refused.</summary>
    public int CountRefused(string queueName) => Volatile.Read(ref Queue(queueName).Refused);

    /// <summary>The messages in a queue (locked ones included), in sequence order.</summary>
    public IReadOnlyList<BrokerMessage> Peek(string queueName) => Queue(queueName).Snapshot();

    /// <summary>The messages in a queue's dead-letter queue, in sequence order.</summary>
    public IReadOnlyList<BrokerMessage> PeekDeadLettered(string queueName) => Queue(queueName).DeadLetterQueue!.Snapshot();

    /// <summary>How many messages are in a queue (available or locked), not counting dead-lettered ones.</summary>
    public int CountActive(string queueName) => Queue(queueName).Count;

    /// <summary>How many messages are in a queue's dead-letter queue.</summary>
    public int CountDeadLettered(string queueName) => Queue(queueName).DeadLetterQueue!.Count;

    /// <summary>Test hook for the flow-control guard's own test.</summary>
    internal void SimulateFlowControlStall() => guard.CloseOutgoingWindows();

    /// <summary>Test hook: how many consumer links on a queue hold credit.</summary>
    internal int ConsumersWithCredit(string queueName) => Queue(queueName).ConsumersWithCredit;

    public ValueTask DisposeAsync()
    {
        lockTimer.Dispose();
        guard.Dispose();
        host.Close();
        return ValueTask.CompletedTask;
    }

    BrokerQueue Queue(string name) =>
        entities.TryGetValue(Normalize(name), out var queue) && queue.DeadLetterQueue is not null
            ? queue
            : throw new ArgumentException($"No queue named '{name}'; call CreateQueue first.", nameof(name));

    void Configure()
    {
        var listener = host.Listeners[0];
        listener.SASL.EnableMechanism(new Symbol(AmqpNames.SaslMechanism), new MssbcbsSaslProfile());
        listener.SASL.EnableAnonymousMechanism = true;
        var tagHandler = new DeliveryTagHandler();
        listener.HandlerFactory = _ => tagHandler;
        host.AddressResolver = (_, attach) => Normalize(attach.Role ? (attach.Source as Source)?.Address : (attach.Target as Target)?.Address);
        host.RegisterRequestProcessor(AmqpNames.CbsAddress, new CbsProcessor());
        host.RegisterLinkProcessor(new LinkProcessor(this));
    }

    void ExpireLocks()
    {
        var now = context.TimeProvider.GetUtcNow();
        foreach (var queue in entities.Values)
        {
            queue.ExpireLocks(now);
        }
    }

    static string Normalize(string? address) => (address ?? string.Empty).Trim('/').ToLowerInvariant();

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    sealed class LinkProcessor(TestServiceBusBroker broker) : ILinkProcessor
    {
        public void Process(AttachContext attachContext)
        {
            var attach = attachContext.Attach;
            var link = attachContext.Link;
            var address = Normalize(attach.Role ? (attach.Source as Source)?.Address : (attach.Target as Target)?.Address);
            if (!broker.entities.TryGetValue(address, out var queue) || (link.Role && queue.DeadLetterQueue is null))
            {
                broker.context.Log?.Invoke($"Attach to unknown entity {address}");
                attachContext.Complete(new Error(ErrorCode.NotFound) { Description = $"The messaging entity '{address}' could not be found." });
                return;
            }

            attach.MaxMessageSize = broker.context.Options.MaxMessageSize;
            if (link.Role)
            {
                attachContext.Complete(new ProducerEndpoint(queue), 500);
                return;
            }

            var consumer = new ConsumerEndpoint(queue, link, broker.context);
            queue.AddConsumer(consumer);
            broker.guard.Watch(link);
            attachContext.Complete(consumer, 0);
        }
    }
}

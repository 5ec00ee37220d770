using System.Collections.Concurrent;
using System.Reflection;
using Amqp;
using Amqp.Framing;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>
/// Guards against a race in AMQPNetLite 2.5.5's session flow control: a transfer is written before it is
/// counted, so a peer flow that lands in between can leave the session's outgoing window at zero while the
/// peer believes its window is open; deliveries then stop for good. Every 250 ms this looks at each session
/// that carries a consumer link; a session seen stalled twice in a row (window zero, nothing being written,
/// deliveries waiting, no progress) is handed a one-transfer window, and the peer's next flow restores the
/// real one. The SDK's session window (5000) is far above any prefetch, so a closed window is never genuine.
/// The state is private to AMQPNetLite and read by reflection; if a future version renames it, the guard
/// switches itself off.
/// </summary>
internal sealed class FlowControlGuard : IDisposable
{
    const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    static readonly FieldInfo? LockField = typeof(Session).GetField("lockObject", Private);
    static readonly FieldInfo? WindowField = typeof(Session).GetField("outgoingWindow", Private);
    static readonly FieldInfo? WritingField = typeof(Session).GetField("writingDelivery", Private);
    static readonly FieldInfo? ListField = typeof(Session).GetField("outgoingList", Private);
    static readonly FieldInfo? NextOutgoingField = typeof(Session).GetField("nextOutgoingId", Private);
    static readonly MethodInfo? OnFlowMethod = typeof(Session).GetMethod("OnFlow", Private, [typeof(Flow)]);
    static readonly FieldInfo? SequenceField = NextOutgoingField?.FieldType.GetField("sequenceNumber", Private);
    static readonly PropertyInfo? FirstProperty = ListField?.FieldType.GetProperty("First");
    static readonly Type? DeliveryType = typeof(Session).Assembly.GetType("Amqp.Delivery");
    static readonly PropertyInfo? NextProperty = DeliveryType?.GetProperty("Next");
    static readonly FieldInfo? BufferField = DeliveryType?.GetField("Buffer");

    readonly BrokerContext context;
    readonly ConcurrentDictionary<Session, uint?> sessions = new();
    readonly Timer timer;
    readonly bool enabled;
    int recoveries;

    public FlowControlGuard(BrokerContext context)
    {
        this.context = context;
        enabled = LockField is not null && WindowField is not null && WritingField is not null && ListField is not null
            && NextOutgoingField is not null && OnFlowMethod is not null && SequenceField is not null && FirstProperty is not null && NextProperty is not null && BufferField is not null;
        if (!enabled)
        {
            context.Log?.Invoke("Flow-control guard disabled: AMQPNetLite internals differ from 2.5.5");
        }

        timer = new Timer(_ => Check(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    public int Recoveries => Volatile.Read(ref recoveries);

    public void Watch(Link link)
    {
        if (enabled)
        {
            sessions.TryAdd(link.Session, null);
        }
    }

    public void Dispose() => timer.Dispose();

    /// <summary>Test hook: puts every watched session into the stalled state the race leaves behind.</summary>
    internal void CloseOutgoingWindows()
    {
        foreach (var session in sessions.Keys)
        {
            lock (LockField!.GetValue(session)!)
            {
                WindowField!.SetValue(session, 0u);
            }
        }
    }

    void Check()
    {
        foreach (var session in sessions.Keys)
        {
            if (session.IsClosed)
            {
                sessions.TryRemove(session, out _);
                continue;
            }

            var stalledAt = StalledAt(session);
            var seenBefore = sessions.TryGetValue(session, out var previous) ? previous : null;
            if (stalledAt is { } position && seenBefore == position)
            {
                Kick(session, position);
                sessions[session] = null;
            }
            else
            {
                sessions[session] = stalledAt;
            }
        }
    }

    /// <summary>The session's next outgoing transfer id if it is stalled, otherwise null.</summary>
    static uint? StalledAt(Session session)
    {
        lock (LockField!.GetValue(session)!)
        {
            var window = (uint)WindowField!.GetValue(session)!;
            var writing = (bool)WritingField!.GetValue(session)!;
            var pending = false;
            for (var node = FirstProperty!.GetValue(ListField!.GetValue(session)); node is not null && !pending; node = NextProperty!.GetValue(node))
            {
                pending = BufferField!.GetValue(node) is ByteBuffer { Length: > 0 };
            }

            return window == 0 && !writing && pending ? NextOutgoing(session) : null;
        }
    }

    void Kick(Session session, uint nextOutgoing)
    {
        Interlocked.Increment(ref recoveries);
        context.Log?.Invoke($"Flow-control guard restarted a stalled session at transfer {nextOutgoing}");
        var flow = new Flow { NextIncomingId = nextOutgoing, IncomingWindow = 1, NextOutgoingId = 0, OutgoingWindow = 0 };
        OnFlowMethod!.Invoke(session, [flow]);
    }

    static uint NextOutgoing(Session session) => (uint)(int)SequenceField!.GetValue(NextOutgoingField!.GetValue(session))!;
}

using Amqp;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>Placeholder; see README.</summary>
internal sealed class FlowControlGuard(BrokerContext context) : IDisposable
{
    int recoveries = 0;

    public int Recoveries => Volatile.Read(ref recoveries);

    public void Watch(Link link)
    {
        _ = context;
        _ = link;
    }

    public void Dispose()
    {
    }
}

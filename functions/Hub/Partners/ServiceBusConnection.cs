using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Mellanrum.Hub.Partners;

/// <summary>The hub's Service Bus namespace, when one is configured (<c>ServiceBus</c> connection string or namespace).</summary>
public sealed class ServiceBusConnection(ServiceBusClient? client, ServiceBusAdministrationClient? administration)
{
    public ServiceBusClient? Client => client;

    public ServiceBusAdministrationClient? Administration => administration;
}

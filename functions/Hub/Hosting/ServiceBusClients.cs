using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Mellanrum.Hub.Delivery;
using Microsoft.Extensions.Configuration;

namespace Mellanrum.Hub.Hosting;

/// <summary>
/// The hub's Service Bus namespace from configuration: <c>ServiceBus</c> as a connection string, or
/// <c>ServiceBus__fullyQualifiedNamespace</c> (+ <c>ServiceBus__clientId</c>) with managed identity. Without either, the
/// <c>servicebus</c> channel dead-letters with a clear reason. <c>ServiceBus__manageQueues=false</c> (or the development
/// emulator) leaves queue creation to someone else.
/// </summary>
public static class ServiceBusClients
{
    public static ServiceBusConnection Create(IConfiguration configuration)
    {
        var section = configuration.GetSection("ServiceBus");
        var connectionString = section.Value ?? section["connectionString"];
        var manage = !bool.TryParse(section["manageQueues"], out var m) || m;
        var options = new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 3, TryTimeout = TimeSpan.FromSeconds(30) } };
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var emulator = connectionString.Contains("UseDevelopmentEmulator=true", StringComparison.OrdinalIgnoreCase);
            return new ServiceBusConnection(
                new ServiceBusClient(connectionString, options),
                manage && !emulator ? new ServiceBusAdministrationClient(connectionString) : null);
        }

        if (section["fullyQualifiedNamespace"] is { Length: > 0 } ns)
        {
            Azure.Core.TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential();
            return new ServiceBusConnection(new ServiceBusClient(ns, credential, options), manage ? new ServiceBusAdministrationClient(ns, credential) : null);
        }

        return new ServiceBusConnection(null, null);
    }
}

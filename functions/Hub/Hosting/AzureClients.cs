using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Queues;
using Mellanrum.Hub.Delivery.Chaos;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Hosting;

/// <summary>
/// The Azure SDK clients, registered once as singletons with <c>Microsoft.Extensions.Azure</c>:
/// <list type="bullet">
/// <item>storage from <c>AzureWebJobsStorage</c> the way the Functions host reads it: a connection string locally
/// (Azurite), or identity-based in Azure (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__tableServiceUri</c>/<c>__queueServiceUri</c>, with <c>__clientId</c> for a user-assigned identity);</item>
/// <item>Service Bus from <c>ServiceBus</c> (a connection string) or <c>ServiceBus__fullyQualifiedNamespace</c>
/// (+ <c>__clientId</c>); without either the <c>servicebus</c> channel dead-letters with a clear reason.
/// <c>ServiceBus__manageQueues=false</c> (or the development emulator) leaves queue creation to someone else.</item>
/// <item>with <c>Hub:Chaos</c> set (off by default), every storage client runs its requests through
/// <see cref="HubChaos.Storage"/> (a <see cref="ChaosPipelinePolicy"/> per retry); Service Bus sends are wrapped by the
/// channel itself, AMQP having no HTTP pipeline.</item>
/// <item>Key Vault secrets from <c>Hub:DataProtection:KeyVaultUri</c> (+ <c>:ClientId</c>), when set: the key ring's
/// KEK (<see cref="KeyRingKeyVault"/>).</item>
/// </list>
/// </summary>
public static class AzureClients
{
    public const string StorageSetting = "AzureWebJobsStorage";
    public const string ServiceBusSetting = "ServiceBus";

    public static IServiceCollection AddHubAzureClients(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageSetting);
        var serviceBus = configuration.GetSection(ServiceBusSetting);
        var serviceBusConnectionString = serviceBus.Value ?? serviceBus["connectionString"];
        var serviceBusNamespace = serviceBus["fullyQualifiedNamespace"];
        var dataProtection = configuration.GetSection(KeyRingOptions.Section);

        services.AddHubChaos(configuration);
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(Credential(storage));
            clients.ConfigureDefaults((options, provider) =>
            {
                if (provider.GetRequiredService<HubChaos>().Options.IsOn)
                {
                    options.AddPolicy(new ChaosPipelinePolicy(provider.GetRequiredService<HubChaos>().Storage), HttpPipelinePosition.PerRetry);
                }
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential) =>
                IsConnectionString(storage)
                    ? new TableServiceClient(storage.Value, options)
                    : new TableServiceClient(Endpoint(storage, "tableServiceUri", "table"), credential, options));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential) =>
            {
                // Plain UTF-8 text, as the Functions host's queue trigger reads it (host.json "messageEncoding": "none").
                options.MessageEncoding = QueueMessageEncoding.None;
                return IsConnectionString(storage)
                    ? new QueueServiceClient(storage.Value, options)
                    : new QueueServiceClient(Endpoint(storage, "queueServiceUri", "queue"), credential, options);
            });

            if (!string.IsNullOrWhiteSpace(serviceBusConnectionString) || !string.IsNullOrWhiteSpace(serviceBusNamespace))
            {
                clients.AddClient<ServiceBusClient, ServiceBusClientOptions>((ServiceBusClientOptions options, TokenCredential _) =>
                {
                    options.RetryOptions = new ServiceBusRetryOptions { MaxRetries = 3, TryTimeout = TimeSpan.FromSeconds(30) };
                    return string.IsNullOrWhiteSpace(serviceBusConnectionString)
                        ? new ServiceBusClient(serviceBusNamespace, Credential(serviceBus), options)
                        : new ServiceBusClient(serviceBusConnectionString, options);
                });
            }

            if (Uri.TryCreate(dataProtection["KeyVaultUri"], UriKind.Absolute, out var vault))
            {
                clients.AddClient<SecretClient, SecretClientOptions>((options, credential) => new SecretClient(vault, credential, options))
                    .WithCredential(Credential(dataProtection));
            }
        });

        services.AddSingleton(sp =>
        {
            var client = sp.GetService<ServiceBusClient>();
            if (client is null)
            {
                return new ServiceBusConnection(null, null);
            }

            var manage = !bool.TryParse(serviceBus["manageQueues"], out var m) || m;
            ServiceBusAdministrationClient? administration = null;
            if (manage && !string.IsNullOrWhiteSpace(serviceBusConnectionString))
            {
                administration = serviceBusConnectionString.Contains("UseDevelopmentEmulator=true", StringComparison.OrdinalIgnoreCase)
                    ? null
                    : new ServiceBusAdministrationClient(serviceBusConnectionString);
            }
            else if (manage)
            {
                administration = new ServiceBusAdministrationClient(serviceBusNamespace, Credential(serviceBus));
            }

            return new ServiceBusConnection(client, administration);
        });

        return services;
    }

    private static bool IsConnectionString(IConfigurationSection section) => !string.IsNullOrWhiteSpace(section.Value);

    private static Uri Endpoint(IConfigurationSection section, string key, string service)
    {
        if (section[key] is { Length: > 0 } uri)
        {
            return new Uri(uri);
        }

        if (section["accountName"] is { Length: > 0 } account)
        {
            return new Uri($"https://{account}.{service}.core.windows.net");
        }

        throw new InvalidOperationException($"Set {StorageSetting} (a connection string) or {StorageSetting}__accountName for identity-based access.");
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
}

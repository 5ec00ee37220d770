using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Mellanrum.Hub.Hosting;

/// <summary>
/// Builds the storage clients from <c>AzureWebJobsStorage</c> the way the Functions host reads it: a connection string
/// locally (Azurite), or identity-based in Azure (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__tableServiceUri</c>/<c>__queueServiceUri</c>, with <c>__clientId</c> for a user-assigned identity).
/// </summary>
public static class StorageClients
{
    public const string Setting = "AzureWebJobsStorage";

    public static TableServiceClient Tables(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new TableServiceClient(section.Value);
        }

        return new TableServiceClient(Endpoint(section, "tableServiceUri", "table"), Credential(section));
    }

    public static QueueServiceClient Queues(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new QueueServiceClient(section.Value, options);
        }

        return new QueueServiceClient(Endpoint(section, "queueServiceUri", "queue"), Credential(section), options);
    }

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

        throw new InvalidOperationException($"Set {Setting} (a connection string) or {Setting}__accountName for identity-based access.");
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
}

using System.Xml.Linq;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// ASP.NET Core Data Protection's key ring kept in Table Storage, so every instance of the hub (and a restart)
/// shares the keys that protect the sources' HMAC secrets at rest. (The Blob-backed package is not served here.)
/// </summary>
public sealed class TableXmlRepository(HubStorage storage) : IXmlRepository
{
    private const string Partition = "keys";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var table = storage.TableAsync(HubStorage.KeysTable).GetAwaiter().GetResult();
        return table.Query<TableEntity>(e => e.PartitionKey == Partition)
            .Select(e => XElement.Parse(e.GetString("Xml")))
            .ToArray();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var table = storage.TableAsync(HubStorage.KeysTable).GetAwaiter().GetResult();
        table.UpsertEntity(new TableEntity(Partition, friendlyName) { ["Xml"] = element.ToString(SaveOptions.DisableFormatting) });
    }
}

using Azure.Data.Tables;

namespace Mellanrum.Hub.Delivery;

/// <summary>An outbox row past its due time: an update whose fan-out may have been lost, and the trace it was stored in.</summary>
public sealed record OverdueFanout(string UpdateId, DateTimeOffset WrittenAt, TableEntity Row)
{
    public CarriedTrace Trace { get; init; }
}

using Azure.Data.Tables;

namespace Mellanrum.Hub.Delivery;

/// <summary>An outbox row past its due time: an update whose fan-out may have been lost.</summary>
public sealed record OverdueFanout(string UpdateId, DateTimeOffset WrittenAt, TableEntity Row);

using Azure.Data.Tables;

namespace Mellanrum.Hub.Foundation;

/// <summary>What a change decided from the entity as read: write this entity (and answer the value), or leave it.</summary>
public readonly record struct TableChange<T>(TableEntity? Entity, T Value, TableUpdateMode Mode = TableUpdateMode.Replace)
{
    /// <summary>Write <paramref name="entity"/>: an insert when nothing was read, else a replace (or merge) under the read's ETag.</summary>
    public static TableChange<T> Write(TableEntity entity, T value, TableUpdateMode mode = TableUpdateMode.Replace) => new(entity, value, mode);

    /// <summary>Nothing to write; answer <paramref name="value"/>.</summary>
    public static TableChange<T> Keep(T value) => new(null, value);
}

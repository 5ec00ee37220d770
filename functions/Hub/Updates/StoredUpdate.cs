using System.Text.Json;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Updates;

/// <summary>
/// An update as a row holds it: the normalised update (its <c>Json</c> column, written by <see cref="UpdateStore"/>)
/// and its sequence number within its collaboration, once assigned. The one reader of stored update JSON, for the
/// update row, the timeline and the day index alike.
/// </summary>
public sealed record StoredUpdate(NormalisedUpdate Update, long? Sequence)
{
    public const string JsonColumn = "Json";
    public const string SequenceColumn = "Sequence";

    public static StoredUpdate Read(TableEntity entity) => new(ReadUpdate(entity), entity.GetInt64(SequenceColumn));

    public static NormalisedUpdate ReadUpdate(TableEntity entity) =>
        JsonSerializer.Deserialize<NormalisedUpdate>(
            entity.GetString(JsonColumn) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} holds no update."),
            HubJson.Options)
        ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} holds no update.");
}

using System.Text.Json;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Updates;

/// <summary>
/// An update as a row holds it: the normalised update (its <c>Json</c> column, written by <see cref="UpdateStore"/>)
/// and its sequence number within its collaboration, once assigned, and the W3C trace context it came with (update rows
/// only). The one reader of stored update JSON, for the update row, the timeline and the day index alike.
/// </summary>
public sealed record StoredUpdate(NormalisedUpdate Update, long? Sequence)
{
    public const string JsonColumn = "Json";
    public const string SequenceColumn = "Sequence";
    public const string TraceParentColumn = "TraceParent";
    public const string TraceStateColumn = "TraceState";

    /// <summary>The trace of the request that stored the update (empty for rows from before, or without one).</summary>
    public CarriedTrace Trace { get; init; }

    public static StoredUpdate Read(TableEntity entity) => new(ReadUpdate(entity), entity.GetInt64(SequenceColumn))
    {
        Trace = ReadTrace(entity),
    };

    /// <summary>The trace context a row keeps in <see cref="TraceParentColumn"/> and <see cref="TraceStateColumn"/>.</summary>
    public static CarriedTrace ReadTrace(TableEntity entity) =>
        CarriedTrace.Parse(entity.GetString(TraceParentColumn), entity.GetString(TraceStateColumn));

    public static NormalisedUpdate ReadUpdate(TableEntity entity) =>
        JsonSerializer.Deserialize<NormalisedUpdate>(
            entity.GetString(JsonColumn) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} holds no update."),
            HubJson.Options)
        ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} holds no update.");
}

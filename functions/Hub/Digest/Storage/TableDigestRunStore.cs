using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Digest.Storage;

/// <summary>
/// The month's shared index in <c>DigestIndex</c> and the runs in <c>DigestRuns</c>.
/// <list type="bullet">
/// <item><c>DigestIndex</c>: PartitionKey = month; a row per collaboration (RowKey <c>c-{id}</c>, its
/// <see cref="CollaborationMonth"/> as Brotli-compressed JSON in binary columns of at most 60 KiB each), then the row
/// <c>~header</c> (cutoff and counts), inserted last: an index without it is not there yet.</item>
/// <item><c>DigestRuns</c>: a run per row (PartitionKey = month, RowKey = run id, newest first), and each partner's
/// outcome in that run (PartitionKey = <c>{month}_{run}</c>, RowKey = partner id); recipients only by a hash.</item>
/// </list>
/// </summary>
public sealed class TableDigestRunStore(HubStorage storage) : IDigestRunStore
{
    public const string IndexTable = "DigestIndex";
    public const string RunsTable = "DigestRuns";

    private const string HeaderRow = "~header";
    private const int ChunkBytes = 60 * 1024;
    private const int MaxChunks = 15;
    private const int BatchBytes = 3 * 1024 * 1024;

    public async Task<DigestIndexSnapshot?> ReadIndexAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(IndexTable, cancellationToken);
        var partition = month.ToString();
        var header = await table.FindAsync<TableEntity>(partition, HeaderRow, cancellationToken);
        if (header is null)
        {
            return null;
        }

        var months = new List<CollaborationMonth>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"c-"} and RowKey lt {"c."}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            months.Add(Decode<CollaborationMonth>(row));
        }

        return new DigestIndexSnapshot(
            partition,
            header.GetDateTimeOffset("Cutoff") ?? throw new InvalidDataException($"The digest index of {partition} has no cutoff."),
            header.GetInt32("UpdateCount") ?? 0,
            header.GetInt32("LateCount") ?? 0,
            months);
    }

    public async Task WriteIndexAsync(DigestIndexSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await storage.TableAsync(IndexTable, cancellationToken);
        if (await table.FindAsync<TableEntity>(snapshot.Month, HeaderRow, cancellationToken) is not null)
        {
            return;
        }

        // Rows of a build that died before its header are replaced: the same cutoff gives the same rows.
        var batch = new List<TableTransactionAction>();
        var bytes = 0;
        var batches = new List<List<TableTransactionAction>>();
        foreach (var month in snapshot.Collaborations)
        {
            var row = Encode(new TableEntity(snapshot.Month, "c-" + month.Id), month, out var size);
            if (batch.Count == 100 || bytes + size > BatchBytes)
            {
                batches.Add(batch);
                batch = [];
                bytes = 0;
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            bytes += size;
        }

        if (batch.Count > 0)
        {
            batches.Add(batch);
        }

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (actions, token) =>
            await table.SubmitTransactionAsync(actions, token));
        try
        {
            await table.AddEntityAsync(
                new TableEntity(snapshot.Month, HeaderRow)
                {
                    ["Cutoff"] = snapshot.Cutoff,
                    ["UpdateCount"] = snapshot.UpdateCount,
                    ["LateCount"] = snapshot.LateCount,
                    ["Collaborations"] = snapshot.Collaborations.Count,
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            // Another run wrote it whole first: the same index.
        }
    }

    public async Task SaveRunAsync(DigestRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(run.Month, run.Id) { ["Json"] = JsonSerializer.Serialize(run, HubJson.Options) }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<DigestRun?> GetRunAsync(DigestMonth month, string runId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        var row = await table.FindAsync<TableEntity>(month.ToString(), runId, cancellationToken);
        return row is null ? null : Json<DigestRun>(row);
    }

    public async Task<DigestRun?> LatestRunAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        var partition = month.ToString();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return Json<DigestRun>(row);
        }

        return null;
    }

    public async Task<PartnerOutcome?> GetOutcomeAsync(DigestMonth month, string runId, string partnerId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        var row = await table.FindAsync<TableEntity>(OutcomePartition(month, runId), partnerId, cancellationToken);
        return row is null ? null : Json<PartnerOutcome>(row);
    }

    public async Task SaveOutcomeAsync(DigestMonth month, string runId, PartnerOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(OutcomePartition(month, runId), outcome.PartnerId) { ["Json"] = JsonSerializer.Serialize(outcome, HubJson.Options) },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public async Task<IReadOnlyList<PartnerOutcome>> OutcomesAsync(DigestMonth month, string runId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(RunsTable, cancellationToken);
        var partition = OutcomePartition(month, runId);
        var outcomes = new List<PartnerOutcome>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            outcomes.Add(Json<PartnerOutcome>(row));
        }

        return outcomes;
    }

    private static string OutcomePartition(DigestMonth month, string runId) => $"{month}_{runId}";

    private static T Json<T>(TableEntity row) =>
        JsonSerializer.Deserialize<T>(row.GetString("Json") ?? "null", HubJson.Options) ?? throw new InvalidDataException($"Row {row.PartitionKey}/{row.RowKey} is empty.");

    private static TableEntity Encode<T>(TableEntity row, T value, out int size)
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, value, HubJson.Options);
        }

        var bytes = buffer.ToArray();
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidDataException($"Row {row.RowKey} of the digest index is {bytes.Length / 1024} KiB compressed, more than a row holds.");
        }

        for (var i = 0; i < chunks; i++)
        {
            row[$"D{i}"] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
        }

        row["Chunks"] = chunks;
        size = (bytes.Length * 4 / 3) + 1024;
        return row;
    }

    private static T Decode<T>(TableEntity row)
    {
        var chunks = row.GetInt32("Chunks") ?? 0;
        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(row.GetBinary($"D{i}"));
        }

        buffer.Position = 0;
        using var brotli = new BrotliStream(buffer, CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(brotli, HubJson.Options) ?? throw new InvalidDataException($"Row {row.RowKey} of the digest index is empty.");
    }
}

using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Foundation;

/// <summary>Deletes every row a filter selects: one batch transaction per partition and hundred rows, a row already gone is no error.</summary>
public static class TableSweep
{
    public static async Task<int> DeleteAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1000))
        {
            foreach (var partition in page.Values.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(100))
                {
                    deleted += await DeleteChunkAsync(table, chunk, cancellationToken);
                }
            }
        }

        return deleted;
    }

    private static async Task<int> DeleteChunkAsync(TableClient table, TableEntity[] rows, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
            return rows.Length;
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // Another sweep (or a replay) took one of them: the rest one by one.
            var deleted = 0;
            foreach (var row in rows)
            {
                using var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                deleted += response.Status == 404 ? 0 : 1;
            }

            return deleted;
        }
    }
}

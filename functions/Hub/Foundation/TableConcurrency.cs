using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Foundation;

/// <summary>Small helpers over the Table SDK that every store needs, and the hub's one optimistic-concurrency loop.</summary>
public static class TableConcurrency
{
    public static async Task<T?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Read, decide, write under the entity's ETag; when someone else wrote in between (412, or 409 on an insert),
    /// read again and decide again, after a short random wait that grows with each attempt. <paramref name="decide"/>
    /// sees the entity as read (null when there is none) and must not have side effects: it may run several times.
    /// <paramref name="known"/>: an entity the caller has just read (or wrote) saves the first read;
    /// <paramref name="written"/> hears the ETag of a successful write.
    /// </summary>
    public static async Task<T> ChangeAsync<T>(
        this TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity?, TableChange<T>> decide,
        CancellationToken cancellationToken,
        TableEntity? known = null,
        Action<ETag>? written = null,
        int attempts = 50)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = known ?? await table.FindAsync<TableEntity>(partitionKey, rowKey, cancellationToken);
            known = null;
            var change = decide(existing);
            if (change.Entity is not { } entity)
            {
                return change.Value;
            }

            try
            {
                var response = existing is null
                    ? await table.AddEntityAsync(entity, cancellationToken)
                    : await table.UpdateEntityAsync(entity, existing.ETag, change.Mode, cancellationToken);
                if (written is not null && response.Headers.ETag is { } etag)
                {
                    written(etag);
                }

                return change.Value;
            }
            catch (RequestFailedException e) when (IsConcurrent(e) && attempt < attempts)
            {
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The same loop for a change of several rows (a transaction under one row's ETag): <paramref name="attempt"/> reads,
    /// decides and writes; when the write fails because someone else wrote in between (412, or 409 on an insert), it runs
    /// again after the same short random wait. <paramref name="attempt"/> must read afresh each time.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken, int attempts = 50)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await attempt();
            }
            catch (RequestFailedException e) when (IsConcurrent(e) && tried < attempts)
            {
                await Task.Delay(Backoff(tried), cancellationToken);
            }
        }
    }

    /// <summary>Someone else wrote in between: the ETag no longer matches (412), or the row an insert meant to add is there (409).</summary>
    public static bool IsConcurrent(RequestFailedException failure) => failure.IsConflict() || failure.IsPreconditionFailed();

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + (10 * Math.Min(attempt, 10))));

    /// <summary>As <see cref="ChangeAsync{T}"/> for an entity that must exist: null (and no write) when it does not.</summary>
    public static Task<T?> ReplaceExistingAsync<T>(
        this TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity, (TableEntity Entity, T Value)> change,
        CancellationToken cancellationToken)
        where T : class =>
        table.ChangeAsync<T?>(partitionKey, rowKey, existing =>
        {
            if (existing is null)
            {
                return TableChange<T?>.Keep(null);
            }

            var (entity, value) = change(existing);
            return TableChange<T?>.Write(entity, value);
        }, cancellationToken);

    public static bool IsConflict(this RequestFailedException e) => e.Status == 409;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == 412;

    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;
}

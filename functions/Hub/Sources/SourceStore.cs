using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// Sources in Table Storage: one entity per source, partitioned by its id; and the index from a Bearer key's hash to its
/// source (<c>SourceKeys</c>, PartitionKey = the key's SHA-256), so a source key alone identifies its source.
/// </summary>
public sealed class SourceStore(HubStorage storage)
{
    private const string Row = "source";
    private const string KeyRow = "k";

    private readonly SemaphoreSlim _backfill = new(1, 1);
    private volatile bool _backfilled;

    /// <summary>The source whose Bearer key this is (compared in constant time); null for any other string.</summary>
    public async Task<Source?> FindByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        var hash = Credentials.HashKey(key);
        var keys = await storage.TableAsync(HubStorage.SourceKeysTable, cancellationToken);
        var entry = await keys.FindAsync<TableEntity>(hash, KeyRow, cancellationToken);
        if (entry is null && !_backfilled)
        {
            await BackfillKeysAsync(cancellationToken);
            entry = await keys.FindAsync<TableEntity>(hash, KeyRow, cancellationToken);
        }

        return entry?.GetString("SourceId") is { } sourceId && await GetAsync(sourceId, cancellationToken) is { } source && Credentials.KeyMatches(key, source.KeyHash)
            ? source
            : null;
    }

    /// <summary>Indexes the key of a source (idempotent).</summary>
    public async Task IndexKeyAsync(Source source, CancellationToken cancellationToken = default)
    {
        var keys = await storage.TableAsync(HubStorage.SourceKeysTable, cancellationToken);
        await keys.UpsertEntityAsync(new TableEntity(source.KeyHash, KeyRow) { ["SourceId"] = source.Id }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Sources registered before the key index existed are indexed once per process, on the first miss.</summary>
    private async Task BackfillKeysAsync(CancellationToken cancellationToken)
    {
        await _backfill.WaitAsync(cancellationToken);
        try
        {
            if (_backfilled)
            {
                return;
            }

            await foreach (var entity in (await Table(cancellationToken)).QueryAsync<TableEntity>(e => e.RowKey == Row, cancellationToken: cancellationToken))
            {
                await IndexKeyAsync(ToSource(entity), cancellationToken);
            }

            _backfilled = true;
        }
        finally
        {
            _backfill.Release();
        }
    }

    public async Task<Source?> GetAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        var entity = await (await Table(cancellationToken)).FindAsync<TableEntity>(sourceId, Row, cancellationToken);
        return entity is null ? null : ToSource(entity);
    }

    /// <summary>Adds a new source; false when one with the id exists already.</summary>
    public async Task<bool> TryAddAsync(Source source, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var entity = ToEntity(source);
        entity["CreatedAt"] = now;
        entity["UpdatedAt"] = now;
        try
        {
            await IndexKeyAsync(source, cancellationToken);
            await (await Table(cancellationToken)).AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    /// <summary>Replaces a source's settings with <paramref name="change"/>, retrying on concurrent writes.</summary>
    public async Task<Source?> UpdateAsync(string sourceId, Func<Source, Source> change, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await (await Table(cancellationToken)).ReplaceExistingAsync(sourceId, Row, existing =>
        {
            var updated = change(ToSource(existing));
            var entity = ToEntity(updated);
            entity["CreatedAt"] = existing.GetDateTimeOffset("CreatedAt");
            entity["UpdatedAt"] = now;
            return (entity, updated);
        }, cancellationToken);

    private Task<TableClient> Table(CancellationToken cancellationToken) => storage.TableAsync(HubStorage.SourcesTable, cancellationToken);

    private static TableEntity ToEntity(Source source) => new(source.Id, Row)
    {
        ["Organisation"] = source.Organisation,
        ["Name"] = source.Name,
        ["Format"] = source.Format,
        ["Profile"] = source.Profile is null ? null : JsonSerializer.Serialize(source.Profile, HubJson.Options),
        ["QueueIngest"] = source.QueueIngest,
        ["Secrets"] = JsonSerializer.Serialize(source.Secrets, HubJson.Options),
        ["KeyHash"] = source.KeyHash,
    };

    private static Source ToSource(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Organisation"),
        e.GetString("Name"),
        e.GetString("Format") ?? Source.CanonicalFormat,
        e.GetString("Profile") is { } profile ? JsonSerializer.Deserialize<MappingProfile>(profile, HubJson.Options) : null,
        e.GetBoolean("QueueIngest") ?? false,
        JsonSerializer.Deserialize<List<SourceSecret>>(e.GetString("Secrets") ?? "[]", HubJson.Options) ?? [],
        e.GetString("KeyHash") ?? string.Empty);
}

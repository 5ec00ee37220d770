using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// Sources in Table Storage: one entity per source, partitioned by its id; and the index from a Bearer key's hash to its
/// source (<c>SourceKeys</c>, PartitionKey = the key's SHA-256), so a source key alone identifies its source.
/// </summary>
public sealed class SourceStore(HubStorage storage, TimeProvider time)
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

        return entry?.GetString("SourceId") is { } sourceId && await GetAsync(sourceId, cancellationToken) is { } source && source.KeyFor(key, time.GetUtcNow()) is not null
            ? source
            : null;
    }

    /// <summary>Indexes every key of a source (idempotent).</summary>
    public async Task IndexKeyAsync(Source source, CancellationToken cancellationToken = default)
    {
        var keys = await storage.TableAsync(HubStorage.SourceKeysTable, cancellationToken);
        foreach (var key in source.Keys)
        {
            await keys.UpsertEntityAsync(new TableEntity(key.Stored, KeyRow) { ["SourceId"] = source.Id }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Takes a revoked or ended key out of the index.</summary>
    public async Task UnindexKeyAsync(StoredCredential key, CancellationToken cancellationToken = default)
    {
        var keys = await storage.TableAsync(HubStorage.SourceKeysTable, cancellationToken);
        try
        {
            await keys.DeleteEntityAsync(key.Stored, KeyRow, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
        }
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
        ["Credentials"] = JsonSerializer.Serialize(new CredentialColumns(source.Secrets, source.Keys), HubJson.Options),
    };

    private static Source ToSource(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Organisation"),
        e.GetString("Name"),
        e.GetString("Format") ?? Source.CanonicalFormat,
        e.GetString("Profile") is { } profile ? JsonSerializer.Deserialize<MappingProfile>(profile, HubJson.Options) : null,
        e.GetBoolean("QueueIngest") ?? false,
        ReadCredentials(e).Secrets,
        ReadCredentials(e).Keys);

    /// <summary>A source's credentials; a row written before credentials had ids holds <c>Secrets</c> and one <c>KeyHash</c>.</summary>
    private static CredentialColumns ReadCredentials(TableEntity e)
    {
        if (e.GetString("Credentials") is { } json)
        {
            return JsonSerializer.Deserialize<CredentialColumns>(json, HubJson.Options) ?? new CredentialColumns([], []);
        }

        var created = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch;
        var secrets = JsonSerializer.Deserialize<List<LegacySecret>>(e.GetString("Secrets") ?? "[]", HubJson.Options) ?? [];
        var keys = e.GetString("KeyHash") is { Length: > 0 } hash ? new[] { StoredCredential.ForKey(hash, created) } : [];
        return new CredentialColumns(
            [.. secrets.Select((s, i) => new StoredCredential($"sec_legacy{i}", s.Protected, created, s.NotAfter))],
            keys);
    }

    private sealed record CredentialColumns(IReadOnlyList<StoredCredential> Secrets, IReadOnlyList<StoredCredential> Keys);

    private sealed record LegacySecret(string Protected, DateTimeOffset? NotAfter);
}

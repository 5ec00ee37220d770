using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Partners;

/// <summary>
/// Partners in Table Storage, one partition (a few thousand rows at most): routing reads them all, so the directory is
/// cached in memory for a short while (<see cref="CacheFor"/>); a change is visible to routing within that time.
/// </summary>
public sealed class PartnerStore(HubStorage storage, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private const string Partition = "partner";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyList<Partner> Partners, DateTimeOffset At)? _cache;
    private long _generation;

    public async Task<Partner?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await (await Table(cancellationToken)).FindAsync<TableEntity>(Partition, id, cancellationToken);
        return entity is null ? null : ToPartner(entity);
    }

    /// <summary>Every partner, from a cache at most <see cref="CacheFor"/> old.</summary>
    public async Task<IReadOnlyList<Partner>> AllAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } cached && time.GetUtcNow() - cached.At < CacheFor)
        {
            return cached.Partners;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cache is { } fresh && time.GetUtcNow() - fresh.At < CacheFor)
            {
                return fresh.Partners;
            }

            // A partner registered while this read runs invalidates it: the list read is then not kept.
            var generation = Interlocked.Read(ref _generation);
            var partners = new List<Partner>();
            await foreach (var entity in (await Table(cancellationToken)).QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
            {
                partners.Add(ToPartner(entity));
            }

            if (Interlocked.Read(ref _generation) == generation)
            {
                _cache = (partners, time.GetUtcNow());
            }

            return partners;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Every partner straight from storage, streamed (for the digest).</summary>
    public async IAsyncEnumerable<Partner> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in (await Table(cancellationToken)).QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            yield return ToPartner(entity);
        }
    }

    public async Task<bool> TryAddAsync(Partner partner, CancellationToken cancellationToken)
    {
        try
        {
            await (await Table(cancellationToken)).AddEntityAsync(ToEntity(partner), cancellationToken);
            Invalidate();
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    public async Task<Partner?> UpdateAsync(string id, Func<Partner, Partner> change, CancellationToken cancellationToken)
    {
        var updated = await (await Table(cancellationToken)).ReplaceExistingAsync(Partition, id, existing =>
        {
            var partner = change(ToPartner(existing));
            return (ToEntity(partner), partner);
        }, cancellationToken);
        Invalidate();
        return updated;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache = null;
    }

    private Task<TableClient> Table(CancellationToken cancellationToken) => storage.TableAsync(HubStorage.PartnersTable, cancellationToken);

    private static TableEntity ToEntity(Partner p) => new(Partition, p.Id)
    {
        ["Organisation"] = p.Organisation,
        ["Channels"] = JsonSerializer.Serialize(p.Channels, HubJson.Options),
        ["Filters"] = JsonSerializer.Serialize(p.Filters, HubJson.Options),
        ["IncludeOwn"] = p.IncludeOwn,
        ["Digest"] = p.Digest is null ? null : JsonSerializer.Serialize(p.Digest, HubJson.Options),
        ["Credentials"] = JsonSerializer.Serialize(new CredentialColumns(p.Secrets ?? [], p.Keys ?? []), HubJson.Options),
        ["DisabledWebhooks"] = JsonSerializer.Serialize(p.DisabledWebhooks ?? [], HubJson.Options),
    };

    private static Partner ToPartner(TableEntity e) => new(
        e.RowKey,
        e.GetString("Organisation"),
        JsonSerializer.Deserialize<List<PartnerChannel>>(e.GetString("Channels") ?? "[]", HubJson.Options) ?? [],
        JsonSerializer.Deserialize<PartnerFilters>(e.GetString("Filters") ?? "{}", HubJson.Options) ?? new PartnerFilters(),
        e.GetBoolean("IncludeOwn") ?? false,
        e.GetString("Digest") is { } digest ? JsonSerializer.Deserialize<DigestSettings>(digest, HubJson.Options) : null,
        ReadCredentials(e).Secrets,
        ReadCredentials(e).Keys,
        JsonSerializer.Deserialize<List<string>>(e.GetString("DisabledWebhooks") ?? "[]", HubJson.Options));

    /// <summary>A partner's credentials; a row written before credentials had ids holds one <c>WebhookSecret</c> and one <c>KeyHash</c>.</summary>
    private static CredentialColumns ReadCredentials(TableEntity e)
    {
        if (e.GetString("Credentials") is { } json)
        {
            return JsonSerializer.Deserialize<CredentialColumns>(json, HubJson.Options) ?? new CredentialColumns([], []);
        }

        var created = e.Timestamp ?? DateTimeOffset.UnixEpoch;
        return new CredentialColumns(
            e.GetString("WebhookSecret") is { Length: > 0 } secret ? [new StoredCredential("sec_legacy0", secret, created)] : [],
            e.GetString("KeyHash") is { Length: > 0 } hash ? [StoredCredential.ForKey(hash, created)] : []);
    }

    private sealed record CredentialColumns(IReadOnlyList<StoredCredential> Secrets, IReadOnlyList<StoredCredential> Keys);
}

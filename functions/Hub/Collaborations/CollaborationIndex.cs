using System.Buffers.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Collaborations;

/// <summary>What a list of collaborations asks for: every filter optional.</summary>
public sealed record CollaborationQuery(
    string? Area = null,
    string? Member = null,
    string? County = null,
    string? Form = null,
    string? Status = null,
    string? Words = null);

/// <summary>One collaboration as the activity index holds it, enough to filter and to show a list: its members' organisations and their counties.</summary>
public sealed record CollaborationSummary(
    string Id,
    string Name,
    string? Description,
    string? Form,
    string? Area,
    string? Status,
    bool Public,
    IReadOnlyList<string> Organisations,
    IReadOnlyList<string> Counties,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset LastActivity);

/// <summary>
/// Collaborations newest activity first, as an index kept as activity changes (<c>CollaborationIndex</c>,
/// PartitionKey <c>activity</c>, RowKey = inverted last-activity ticks + id), so a list is a range read, never the
/// whole table sorted in memory. When a collaboration's activity moves, its new row is written and its old row is
/// marked superseded (not deleted), so a cursor pages a <b>snapshot</b>: the rows live at the cursor's time. A
/// collaboration that gains activity while someone pages may appear again at the top of a new listing and is never
/// skipped. Superseded rows are deleted by <see cref="MaintainAsync"/> once no cursor can need them (a cursor lives
/// <see cref="CursorLifetime"/>); the same pass repairs what a crash between the collaboration's write and the index's
/// left behind.
/// </summary>
public sealed class CollaborationIndex(HubStorage storage, OrganisationRegistry organisations, TimeProvider time)
{
    public static readonly TimeSpan CursorLifetime = TimeSpan.FromHours(24);

    private const string Partition = "activity";
    private const int DescriptionKept = 2000;

    private long _changes;

    public static string KeyOf(string id, DateTimeOffset lastActivity) => ReverseChronological.Key(lastActivity) + "-" + id;

    /// <summary>
    /// How many collaboration changes this process has written (every change of a collaboration writes its index row):
    /// a view read from the collaborations, such as the public register, knows from it that what it read is out of date.
    /// </summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Writes <paramref name="collaboration"/>'s row under <paramref name="key"/>, superseding <paramref name="previousKey"/>.</summary>
    public async Task WriteAsync(Collaboration collaboration, string key, string? previousKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationIndexTable, cancellationToken);
        var now = time.GetUtcNow();
        var row = ToRow(collaboration, key, now);
        if (previousKey is null || previousKey == key)
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
            Interlocked.Increment(ref _changes);
            return;
        }

        var superseded = new TableEntity(Partition, previousKey) { ["SupersededAt"] = now };
        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpsertReplace, row), new TableTransactionAction(TableTransactionActionType.UpdateMerge, superseded, ETag.All)],
                cancellationToken);
        }
        catch (TableTransactionFailedException)
        {
            // The previous row is not there (a crash once kept it from being written): write the new row alone.
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }

        Interlocked.Increment(ref _changes);
    }

    /// <summary>
    /// A page of the list, newest activity first: the rows live at the cursor's snapshot that match the query and that
    /// <paramref name="maySee"/> allows.
    /// </summary>
    public async Task<CursorPage<CollaborationSummary>> ListAsync(CollaborationQuery query, Func<CollaborationSummary, bool> maySee, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var (snapshot, after) = cursor is null ? (time.GetUtcNow(), string.Empty) : ReadCursor(cursor);
        var table = await storage.TableAsync(HubStorage.CollaborationIndexTable, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {after} and AddedAt le {snapshot}");
        if (query.Area is { } area)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Area eq {area}");
        }

        if (query.Form is { } form)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Form eq {form}");
        }

        if (query.Status is { } status)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        var search = SwedishSearch.Parse(query.Words);
        var items = new List<CollaborationSummary>(limit);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? last = null;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("SupersededAt") is { } superseded && superseded <= snapshot)
            {
                continue;
            }

            last = row.RowKey;
            var summary = ToSummary(row);
            if (!seen.Add(summary.Id) || !Matches(summary, query, search) || !maySee(summary))
            {
                continue;
            }

            items.Add(summary);
            if (items.Count == limit)
            {
                break;
            }
        }

        var next = items.Count == limit && last is not null ? WriteCursor(snapshot, last) : null;
        return new CursorPage<CollaborationSummary>(items, limit, next);
    }

    /// <summary>
    /// Deletes superseded rows no cursor can need any more, and repairs the index against the collaborations: each
    /// collaboration has exactly one live row, under the key its own row names.
    /// </summary>
    public async Task<int> MaintainAsync(IAsyncEnumerable<(Collaboration Collaboration, string? IndexKey)> collaborations, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationIndexTable, cancellationToken);
        var now = time.GetUtcNow();
        var live = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var changed = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["RowKey", "Id", "SupersededAt"], cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("SupersededAt") is { } superseded)
            {
                if (now - superseded > CursorLifetime)
                {
                    await table.DeleteEntityAsync(Partition, row.RowKey, ETag.All, cancellationToken);
                    changed++;
                }

                continue;
            }

            (live.TryGetValue(row.GetString("Id"), out var keys) ? keys : live[row.GetString("Id")] = []).Add(row.RowKey);
        }

        await foreach (var (collaboration, indexKey) in collaborations.WithCancellation(cancellationToken))
        {
            var key = indexKey ?? KeyOf(collaboration.Id, collaboration.LastActivity);
            var keys = live.GetValueOrDefault(collaboration.Id) ?? [];
            if (!keys.Contains(key))
            {
                await table.UpsertEntityAsync(ToRow(collaboration, key, now), TableUpdateMode.Replace, cancellationToken);
                changed++;
            }

            foreach (var stale in keys.Where(k => k != key))
            {
                await table.UpdateEntityAsync(new TableEntity(Partition, stale) { ["SupersededAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
                changed++;
            }
        }

        return changed;
    }

    private TableEntity ToRow(Collaboration c, string key, DateTimeOffset now) => new(Partition, key)
    {
        ["Id"] = c.Id,
        ["Name"] = c.Name,
        ["Description"] = c.Description is { Length: > DescriptionKept } kept ? kept[..DescriptionKept] : c.Description,
        ["Form"] = c.Form,
        ["Area"] = c.Area,
        ["Status"] = c.Status,
        ["Public"] = c.Public,
        ["Members"] = string.Join(' ', c.Organisations),
        ["Counties"] = string.Join(' ', c.Organisations.Select(organisations.CountyOf).OfType<string>().Distinct().Order(StringComparer.Ordinal)),
        ["LastActivity"] = c.LastActivity,
        ["AddedAt"] = now,
    };

    private static CollaborationSummary ToSummary(TableEntity row) => new(
        row.GetString("Id"),
        row.GetString("Name") ?? string.Empty,
        row.GetString("Description"),
        row.GetString("Form"),
        row.GetString("Area"),
        row.GetString("Status"),
        row.GetBoolean("Public") ?? true,
        Split(row.GetString("Members")),
        Split(row.GetString("Counties")),
        row.GetDateTimeOffset("LastActivity") ?? DateTimeOffset.MinValue);

    private static string[] Split(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split(' ');

    private static bool Matches(CollaborationSummary summary, CollaborationQuery query, SwedishSearch? search) =>
        (query.Member is null || summary.Organisations.Contains(query.Member))
        && (query.County is null || summary.Counties.Contains(query.County))
        && (search is null || search.Matches(summary.Name, summary.Description));

    private static string WriteCursor(DateTimeOffset snapshot, string after) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new CursorToken(snapshot.ToUnixTimeMilliseconds(), after)));

    /// <summary>Reads a cursor this index wrote; <see cref="FormatException"/> when it is not one or has expired.</summary>
    private (DateTimeOffset Snapshot, string After) ReadCursor(string cursor)
    {
        CursorToken? token;
        try
        {
            token = JsonSerializer.Deserialize<CursorToken>(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new FormatException("Not a cursor of this list.", e);
        }

        if (token?.After is not { Length: > 0 } after)
        {
            throw new FormatException("Not a cursor of this list.");
        }

        var snapshot = DateTimeOffset.FromUnixTimeMilliseconds(token.Snapshot);
        if (time.GetUtcNow() - snapshot > CursorLifetime)
        {
            throw new FormatException("The cursor has expired: start the list again.");
        }

        return (snapshot, after);
    }

    private sealed record CursorToken(long Snapshot, string After);
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Data.Tables;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// Collaborations in Table Storage (<c>Collaborations</c>, PartitionKey = collaboration id, RowKey "c"): created on the
/// first update, kept current by each later one under ETag concurrency, each update given its sequence number here.
/// </summary>
public sealed class CollaborationStore(HubStorage storage)
{
    public const string Row = "c";

    public async Task<Collaboration?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsSlug(id))
        {
            return null;
        }

        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var entity = await table.FindAsync<TableEntity>(id, Row, cancellationToken);
        return entity is null ? null : ToCollaboration(entity);
    }

    /// <summary>Collaborations, newest activity first. Reads the table once (a few thousand rows at Sweden's scale).</summary>
    public async Task<(IReadOnlyList<Collaboration> Items, int Total)> ListAsync(string? area, string? participant, int limit, int offset, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var filter = area is null ? null : TableClient.CreateQueryFilter($"Area eq {area}");
        var all = new List<Collaboration>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var collaboration = ToCollaboration(entity);
            if (participant is null || collaboration.Participants.Contains(participant))
            {
                all.Add(collaboration);
            }
        }

        var page = all.OrderByDescending(c => c.LastActivity).ThenBy(c => c.Id, StringComparer.Ordinal).Skip(offset).Take(limit).ToArray();
        return (page, all.Count);
    }

    /// <summary>Every collaboration, streamed (for the digest).</summary>
    public async IAsyncEnumerable<Collaboration> AllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            yield return ToCollaboration(entity);
        }
    }

    /// <summary>
    /// Gives an update its place in its collaboration: the next sequence number, and the collaboration's current title,
    /// status and participants (creating the collaboration on its first update). Concurrent updates to one collaboration
    /// retry on the ETag.
    /// </summary>
    public async Task<long> AssignSequenceAsync(NormalisedUpdate update, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        return await table.ChangeAsync(update.Collaboration, Row, existing =>
        {
            // The entity as read is changed in place: each attempt reads afresh.
            var entity = existing ?? new TableEntity(update.Collaboration, Row)
                {
                    ["Title"] = update.Title,
                    ["FirstActivity"] = update.OccurredAt,
                    ["LastActivity"] = update.OccurredAt,
                    ["Participants"] = "[]",
                    ["UpdateCount"] = 0,
                    ["LastSequence"] = 0L,
                };

            var latest = existing is null || update.OccurredAt >= entity.GetDateTimeOffset("LastActivity");
            if (latest)
            {
                entity["Title"] = update.Title;
                entity["LastActivity"] = update.OccurredAt;
                if (update.Status is not null)
                {
                    entity["Status"] = update.Status;
                }

                if (update.Area is not null)
                {
                    entity["Area"] = update.Area;
                }
            }
            else
            {
                entity["Status"] ??= update.Status;
                entity["Area"] ??= update.Area;
            }

            if (update.OccurredAt < entity.GetDateTimeOffset("FirstActivity"))
            {
                entity["FirstActivity"] = update.OccurredAt;
            }

            var participants = JsonSerializer.Deserialize<List<string>>(entity.GetString("Participants") ?? "[]") ?? [];
            entity["Participants"] = JsonSerializer.Serialize(participants.Union(update.Participants).Order(StringComparer.Ordinal));
            entity["UpdateCount"] = (entity.GetInt32("UpdateCount") ?? 0) + 1;
            var sequence = (entity.GetInt64("LastSequence") ?? 0) + 1;
            entity["LastSequence"] = sequence;
            return TableChange<long>.Write(entity, sequence);
        }, cancellationToken);
    }

    private static Collaboration ToCollaboration(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Title") ?? string.Empty,
        e.GetString("Area"),
        e.GetString("Status"),
        JsonSerializer.Deserialize<List<string>>(e.GetString("Participants") ?? "[]") ?? [],
        e.GetDateTimeOffset("FirstActivity") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("LastActivity") ?? DateTimeOffset.MinValue,
        e.GetInt32("UpdateCount") ?? 0);
}

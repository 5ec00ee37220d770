using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Collaborations;

/// <summary>A collaboration as read, with its row (and ETag) for a change that follows; both null when there is none.</summary>
public sealed record CollaborationState(Collaboration? Collaboration, TableEntity? Row);

/// <summary>What recording an update in its collaboration came to: its sequence number, or why its sender may not speak for it.</summary>
public sealed record RecordOutcome(long Sequence, Problem? Refused = null);

/// <summary>
/// Collaborations in Table Storage (<c>Collaborations</c>, PartitionKey = collaboration id): the collaboration's row
/// (RowKey <c>c</c>: name, form, owner, activity, the last sequence number, the member count, its index key) and one
/// row per member (RowKey <c>m-{organisation}</c>), never a growing list in one property. One partition read gives the
/// collaboration with its members; the row and new members are written in one transaction under the row's ETag.
/// Each update recorded in it leaves a claim (RowKey <c>s-{update id}</c>: the sequence number it took) in that same
/// transaction, so that recording an update again (a retry, the sweep, a second instance) finds its number instead of
/// counting it twice; partition reads stop before the claims.
/// Beside it: the activity index (<see cref="CollaborationIndex"/>) and each organisation's memberships
/// (<c>Memberships</c>, PartitionKey = organisation, RowKey = collaboration id).
/// </summary>
public sealed class CollaborationStore(
    HubStorage storage,
    CollaborationIndex index,
    CollaborationMigration migration,
    TimeProvider time,
    ILogger<CollaborationStore> logger)
{
    public const string Row = "c";
    public const int Version = 2;
    private const string MemberPrefix = "m-";
    private const string ClaimPrefix = "s-";
    private const string ClaimRestColumn = "Members";
    private const int MaxTransaction = 100;

    public async Task<Collaboration?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(id, cancellationToken)).Collaboration;

    /// <summary>The collaboration and its members in one partition read (carrying a collaboration of the first version over once).</summary>
    public async Task<CollaborationState> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsSlug(id))
        {
            return new CollaborationState(null, null);
        }

        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            TableEntity? row = null;
            var members = new List<Member>();
            await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey lt {ClaimPrefix}"), cancellationToken: cancellationToken))
            {
                if (entity.RowKey == Row)
                {
                    row = entity;
                }
                else if (entity.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal))
                {
                    members.Add(ToMember(entity));
                }
            }

            if (row is null)
            {
                return new CollaborationState(null, null);
            }

            if ((row.GetInt32("Version") ?? 1) >= Version || attempt > 0)
            {
                return new CollaborationState(ToCollaboration(row, members), row);
            }

            // A collaboration of the first version: carried over once (owner from its first update, its participants as
            // members), then read again. Two instances doing it at once: one write wins under the ETag.
            var carried = await migration.DescribeAsync(row, cancellationToken);
            try
            {
                await WriteAsync(table, carried, row, row.GetInt64("LastSequence") ?? 0, carried.Members, cancellationToken);
                logger.LogInformation("Carried collaboration {CollaborationId} over to version {Version}", id, Version);
            }
            catch (RequestFailedException e) when (TableConcurrency.IsConcurrent(e))
            {
            }
        }
    }

    /// <summary>Every collaboration with its members, streamed partition by partition (for the digest and the index's repair).</summary>
    public async IAsyncEnumerable<(Collaboration Collaboration, string? IndexKey)> AllWithIndexKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        TableEntity? row = null;
        var members = new List<Member>();
        string? partition = null;
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey lt {ClaimPrefix}"), cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != partition)
            {
                if (row is not null)
                {
                    yield return (ToCollaboration(row, members), row.GetString("IndexKey"));
                }

                partition = entity.PartitionKey;
                row = null;
                members = [];
            }

            if (entity.RowKey == Row)
            {
                row = entity;
            }
            else if (entity.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal))
            {
                members.Add(ToMember(entity));
            }
        }

        if (row is not null)
        {
            yield return (ToCollaboration(row, members), row.GetString("IndexKey"));
        }
    }

    public async IAsyncEnumerable<Collaboration> AllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (collaboration, _) in AllWithIndexKeysAsync(cancellationToken))
        {
            yield return collaboration;
        }
    }

    /// <summary>The ids of the collaborations an organisation is a member of.</summary>
    public async Task<IReadOnlyList<string>> MembershipsAsync(string organisation, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.MembershipsTable, cancellationToken);
        var ids = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == organisation, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey);
        }

        return ids;
    }

    /// <summary>
    /// Gives an update its place in its collaboration: creates the collaboration on its first update (owner = the
    /// sender's organisation, members = those it names, name = its <c>collaborationName</c> or title), or checks that
    /// the sender is a member; then the next sequence number, the activity, status and area (the latest by occurredAt),
    /// and the members it names. <paramref name="known"/>: the state the caller just read saves the first read.
    /// Concurrent updates to one collaboration retry on the ETag. An update recorded before keeps the number it took
    /// (its claim), and is counted once; <paramref name="justStored"/>: the caller has just inserted the update, so it
    /// cannot have a claim yet and none is read.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(NormalisedUpdate update, CollaborationState? known, CancellationToken cancellationToken, bool justStored = false)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        var claimKey = ClaimPrefix + update.Id;
        return await TableConcurrency.RetryOnConflictAsync(async () =>
        {
            if (!justStored && await table.FindAsync<TableEntity>(update.Collaboration, claimKey, cancellationToken) is { } claim)
            {
                await CompleteAsync(table, update, claim, cancellationToken);
                return new RecordOutcome(claim.GetInt64("Sequence") ?? 0);
            }

            // After a conflict, look for the claim: the conflict may have been another recording of this same update.
            justStored = false;
            var state = known ?? await ReadAsync(update.Collaboration, cancellationToken);
            known = null;
            var existing = state.Collaboration;
            if (CollaborationRules.MayPost(existing, update.Organisation, update.Participants) is { } refused)
            {
                return new RecordOutcome(0, refused);
            }

            var now = time.GetUtcNow();
            var members = existing?.Members.ToList() ?? [];
            var joining = update.Participants.Where(p => !members.Any(m => m.Organisation == p)).Distinct(StringComparer.Ordinal).Select(p => new Member(p, update.ReceivedAt)).ToArray();
            members.AddRange(joining);
            var latest = existing is null || update.OccurredAt >= existing.LastActivity;
            var collaboration = existing is null
                ? new Collaboration(
                    update.Collaboration,
                    update.CollaborationName ?? update.Title,
                    null,
                    null,
                    update.Area,
                    update.Status,
                    update.Organisation,
                    members,
                    true,
                    now,
                    update.OccurredAt,
                    update.OccurredAt,
                    1) { Tags = Collaboration.MergeTags(update.Tags, null) }
                : existing with
                {
                    Members = members,
                    Tags = latest ? Collaboration.MergeTags(update.Tags, existing.Tags) : Collaboration.MergeTags(existing.Tags, update.Tags),
                    Area = latest ? update.Area ?? existing.Area : existing.Area ?? update.Area,
                    Status = latest ? update.Status ?? existing.Status : existing.Status ?? update.Status,
                    FirstActivity = update.OccurredAt < existing.FirstActivity ? update.OccurredAt : existing.FirstActivity,
                    LastActivity = latest ? update.OccurredAt : existing.LastActivity,
                    UpdateCount = existing.UpdateCount + 1,
                };
            var sequence = (state.Row?.GetInt64("LastSequence") ?? 0) + 1;
            await WriteAsync(table, collaboration, state.Row, sequence, joining, cancellationToken, new TableEntity(update.Collaboration, claimKey) { ["Sequence"] = sequence });
            return new RecordOutcome(sequence);
        }, cancellationToken);
    }

    /// <summary><c>PUT /api/v1/collaborations/{id}</c>: creates (owner = the source's organisation, or the admin's <c>owner</c>) or changes.</summary>
    public async Task<(AdminOutcome<Collaboration> Outcome, Problem? Refused)> PutAsync(string id, Caller caller, CollaborationChange change, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        return await TableConcurrency.RetryOnConflictAsync<(AdminOutcome<Collaboration> Outcome, Problem? Refused)>(async () =>
        {
            var state = await ReadAsync(id, cancellationToken);
            var now = time.GetUtcNow();
            Collaboration collaboration;
            Member[] joining = [];
            if (state.Collaboration is not { } existing)
            {
                var owner = caller.IsAdmin ? change.Owner : caller.Organisation;
                var errors = new List<InvalidParameter>();
                if (string.IsNullOrWhiteSpace(change.Name))
                {
                    errors.Add(new InvalidParameter("name", "Required when the collaboration is created."));
                }

                if (owner is null)
                {
                    errors.Add(new InvalidParameter("owner", "Required when the admin creates a collaboration: the owning organisation."));
                }
                else if (!caller.IsAdmin && change.Owner is { } named && named != owner)
                {
                    errors.Add(new InvalidParameter("owner", "A source creates collaborations that its own organisation owns.", Ids.Echo(named)));
                }

                if (errors.Count > 0)
                {
                    return (new AdminOutcome<Collaboration>.Invalid(errors), null);
                }

                joining = [new Member(owner!, now)];
                collaboration = new Collaboration(id, change.Name!, change.Description, change.Form, change.Area, change.Status, owner!, joining, change.Public ?? true, now, now, now, 0);
            }
            else
            {
                if (CollaborationRules.MayChange(existing, caller, change) is { } refused)
                {
                    return (new AdminOutcome<Collaboration>.NotFound(), refused);
                }

                collaboration = existing with
                {
                    Name = change.Name ?? existing.Name,
                    Description = change.Description ?? existing.Description,
                    Form = change.Form ?? existing.Form,
                    Status = change.Status ?? existing.Status,
                    Area = change.Area ?? existing.Area,
                    Public = change.Public ?? existing.Public,
                    Owner = change.Owner ?? existing.Owner,
                };
            }

            await WriteAsync(table, collaboration, state.Row, state.Row?.GetInt64("LastSequence") ?? 0, joining, cancellationToken);
            logger.LogInformation("{Change} collaboration {CollaborationId}", state.Collaboration is null ? "Created" : "Changed", id);
            return (state.Collaboration is null ? new AdminOutcome<Collaboration>.Created(collaboration) : new AdminOutcome<Collaboration>.Updated(collaboration), null);
        }, cancellationToken);
    }

    /// <summary>
    /// <c>PUT /api/v1/collaborations/{id}/members/{organisation}</c>: a member's source or the admin adds a member (created),
    /// or finds it one already (updated, nothing written); the row, the member's row and its membership as an update's
    /// participants would be written.
    /// </summary>
    public async Task<(AdminOutcome<Collaboration> Outcome, Problem? Refused)> AddMemberAsync(string id, Caller caller, string organisation, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        return await TableConcurrency.RetryOnConflictAsync<(AdminOutcome<Collaboration> Outcome, Problem? Refused)>(async () =>
        {
            var state = await ReadAsync(id, cancellationToken);
            if (state.Collaboration is not { } existing)
            {
                return (new AdminOutcome<Collaboration>.NotFound(), null);
            }

            if (CollaborationRules.MayAdd(existing, caller, organisation) is { } refused)
            {
                return (new AdminOutcome<Collaboration>.NotFound(), refused);
            }

            if (existing.IsMember(organisation))
            {
                return (new AdminOutcome<Collaboration>.Updated(existing), null);
            }

            var joining = new Member(organisation, time.GetUtcNow());
            var added = existing with { Members = [.. existing.Members.Append(joining).OrderBy(m => m.Organisation, StringComparer.Ordinal)] };
            await WriteAsync(table, added, state.Row, state.Row!.GetInt64("LastSequence") ?? 0, [joining], cancellationToken);
            logger.LogInformation("Added a member to collaboration {CollaborationId}", id);
            return (new AdminOutcome<Collaboration>.Created(added), null);
        }, cancellationToken);
    }

    /// <summary><c>DELETE /api/v1/collaborations/{id}/members/{organisation}</c>: the member's own source or the admin.</summary>
    public async Task<Problem?> RemoveMemberAsync(string id, Caller caller, string organisation, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubStorage.CollaborationsTable, cancellationToken);
        return await TableConcurrency.RetryOnConflictAsync<Problem?>(async () =>
        {
            var state = await ReadAsync(id, cancellationToken);
            if (state.Collaboration is not { } existing)
            {
                return Problem.NotFound("No collaboration with that id.");
            }

            if (CollaborationRules.MayRemove(existing, caller, organisation) is { } refused)
            {
                return refused;
            }

            var remaining = existing with { Members = [.. existing.Members.Where(m => m.Organisation != organisation)] };
            var row = ToRow(remaining, state.Row, state.Row!.GetInt64("LastSequence") ?? 0);
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, state.Row.ETag),
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, MemberPrefix + organisation), ETag.All),
                ],
                cancellationToken);

            var memberships = await storage.TableAsync(HubStorage.MembershipsTable, cancellationToken);
            await memberships.DeleteEntityAsync(organisation, id, ETag.All, cancellationToken);
            await index.WriteAsync(remaining, row.GetString("IndexKey"), state.Row.GetString("IndexKey"), cancellationToken);
            logger.LogInformation("Removed a member from collaboration {CollaborationId}", id);
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// A recording found again by its claim (the first was cut off after its transaction, or ran beside this one): the
    /// members its transaction could not hold, and the memberships of those it names, written once more (idempotent).
    /// </summary>
    private async Task CompleteAsync(TableClient table, NormalisedUpdate update, TableEntity claim, CancellationToken cancellationToken)
    {
        var rest = claim.GetString(ClaimRestColumn) is { Length: > 0 } json ? JsonSerializer.Deserialize<Member[]>(json, HubJson.Options) ?? [] : [];
        await WriteMemberRowsAsync(table, update.Collaboration, rest, cancellationToken);
        if (await GetAsync(update.Collaboration, cancellationToken) is { } collaboration)
        {
            await WriteMembershipsAsync(collaboration.Id, collaboration.Members.Where(m => update.Participants.Contains(m.Organisation)), cancellationToken);
        }
    }

    /// <summary>Member rows, upserted (idempotent), a transaction's worth at a time.</summary>
    private static async Task WriteMemberRowsAsync(TableClient table, string id, IEnumerable<Member> members, CancellationToken cancellationToken)
    {
        foreach (var chunk in members.Chunk(MaxTransaction))
        {
            await table.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToMemberRow(id, m))), cancellationToken);
        }
    }

    /// <summary>Each member's row in <c>Memberships</c> (PartitionKey = organisation), upserted (idempotent).</summary>
    private async Task WriteMembershipsAsync(string id, IEnumerable<Member> members, CancellationToken cancellationToken)
    {
        var memberships = await storage.TableAsync(HubStorage.MembershipsTable, cancellationToken);
        await Task.WhenAll(members.Select(m => memberships.UpsertEntityAsync(new TableEntity(m.Organisation, id) { ["Since"] = m.Since }, TableUpdateMode.Replace, cancellationToken)));
    }

    /// <summary>
    /// Writes the collaboration's row (an insert, or a replace under the ETag it was read with) and the rows of the
    /// members who join, in one transaction when they fit one (100 entities); then its index row and the new members'
    /// memberships. When they do not fit: a recorded update's <paramref name="claim"/> goes with the row and as many
    /// members as fit (so the member limit holds under concurrency: a transaction that loses the ETag race writes no
    /// member), and the rest, listed on the claim, after it; without a claim (a carry-over) the members go first
    /// (idempotent) and the row last, so that a crash leaves no row without its members. The claim is inserted (a
    /// second insert of it fails the transaction as a conflict).
    /// </summary>
    private async Task WriteAsync(TableClient table, Collaboration collaboration, TableEntity? read, long sequence, IReadOnlyList<Member> joining, CancellationToken cancellationToken, TableEntity? claim = null)
    {
        var row = ToRow(collaboration, read, sequence);
        var rowAction = read is null ? new TableTransactionAction(TableTransactionActionType.Add, row) : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, read.ETag);
        var memberActions = joining.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToMemberRow(collaboration.Id, m))).ToList();
        if (claim is not null)
        {
            var fit = MaxTransaction - 2;
            var rest = joining.Skip(fit).ToArray();
            if (rest.Length > 0)
            {
                claim[ClaimRestColumn] = JsonSerializer.Serialize(rest, HubJson.Options);
            }

            await table.SubmitTransactionAsync([rowAction, new TableTransactionAction(TableTransactionActionType.Add, claim), .. memberActions.Take(fit)], cancellationToken);
            await WriteMemberRowsAsync(table, collaboration.Id, rest, cancellationToken);
        }
        else if (memberActions.Count < MaxTransaction)
        {
            await table.SubmitTransactionAsync([rowAction, .. memberActions], cancellationToken);
        }
        else
        {
            await WriteMemberRowsAsync(table, collaboration.Id, joining, cancellationToken);
            await table.SubmitTransactionAsync([rowAction], cancellationToken);
        }

        await Task.WhenAll(
            index.WriteAsync(collaboration, row.GetString("IndexKey"), read?.GetString("IndexKey"), cancellationToken),
            WriteMembershipsAsync(collaboration.Id, joining, cancellationToken));
    }

    /// <summary>The collaboration's row; columns of the first version it does not replace (the fan-out's old mark) stay.</summary>
    private static TableEntity ToRow(Collaboration c, TableEntity? read, long sequence)
    {
        var row = read is null ? new TableEntity(c.Id, Row) : new TableEntity(read.Where(p => p.Key is not ("odata.etag" or "Timestamp")).ToDictionary());
        row["Version"] = Version;
        row["Name"] = c.Name;
        row["Description"] = c.Description;
        row["Form"] = c.Form;
        row["Area"] = c.Area;
        row["Status"] = c.Status;
        row["Owner"] = c.Owner;
        row["Public"] = c.Public;
        row["CreatedAt"] = c.CreatedAt;
        row["FirstActivity"] = c.FirstActivity;
        row["LastActivity"] = c.LastActivity;
        row["UpdateCount"] = c.UpdateCount;
        row["LastSequence"] = sequence;
        row["MemberCount"] = c.Members.Count;
        row["Tags"] = c.Tags is { Count: > 0 } tags ? JsonSerializer.Serialize(tags) : null;
        row["IndexKey"] = CollaborationIndex.KeyOf(c.Id, c.LastActivity);
        row.Remove("Participants");
        row.Remove("Title");
        return row;
    }

    private static TableEntity ToMemberRow(string id, Member m) => new(id, MemberPrefix + m.Organisation) { ["Organisation"] = m.Organisation, ["Since"] = m.Since };

    private static Member ToMember(TableEntity e) => new(e.GetString("Organisation") ?? e.RowKey[MemberPrefix.Length..], e.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue);

    /// <summary>A collaboration from its row and member rows (a row of the first version reads its participants as members).</summary>
    private static Collaboration ToCollaboration(TableEntity e, IReadOnlyList<Member> members)
    {
        var firstActivity = e.GetDateTimeOffset("FirstActivity") ?? DateTimeOffset.MinValue;
        if (members.Count == 0 && e.GetString("Participants") is { } legacy)
        {
            members = (JsonSerializer.Deserialize<List<string>>(legacy) ?? []).Select(p => new Member(p, firstActivity)).ToArray();
        }

        return new Collaboration(
            e.PartitionKey,
            e.GetString("Name") ?? e.GetString("Title") ?? e.PartitionKey,
            e.GetString("Description"),
            e.GetString("Form"),
            e.GetString("Area"),
            e.GetString("Status"),
            e.GetString("Owner") ?? string.Empty,
            [.. members.OrderBy(m => m.Organisation, StringComparer.Ordinal)],
            e.GetBoolean("Public") ?? true,
            e.GetDateTimeOffset("CreatedAt") ?? firstActivity,
            firstActivity,
            e.GetDateTimeOffset("LastActivity") ?? DateTimeOffset.MinValue,
            e.GetInt32("UpdateCount") ?? 0)
        {
            Tags = e.GetString("Tags") is { Length: > 0 } tags ? JsonSerializer.Deserialize<string[]>(tags) : null,
        };
    }
}

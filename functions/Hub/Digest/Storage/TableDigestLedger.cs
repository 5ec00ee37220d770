using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Mellanrum.Hub.Digest.Storage;

/// <summary>
/// The digest ledger in the <c>Digests</c> table.
/// <list type="bullet">
/// <item>A claim per email: PartitionKey = partner id, RowKey = <c>{yyyy-MM}_{sha256(recipient)}</c> (the address
/// itself is never stored), <c>State</c> = <c>claimed</c>, then <c>sent</c>.</item>
/// <item>The last month whose timer run completed: PartitionKey <c>_runs</c> (no partner id starts with <c>_</c>),
/// RowKey <c>last-completed</c>, <c>Month</c> = <c>yyyy-MM</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// Why no recipient ever gets two emails for one month, whatever fires twice or dies when:
/// <list type="number">
/// <item><b>claim</b> = <see cref="TableClient.AddEntityAsync{T}"/>, an insert that Table Storage refuses with 409 when the
/// row exists. Of any number of runs (two timer firings, the admin endpoint, two instances) exactly one insert
/// succeeds, and only its caller goes on to send.</item>
/// <item><b>send</b> happens only after the claim is durable. If the process dies before sending, the claim stays
/// and the email is never sent (at most once: a missed month, logged, and readable on the web, beats a second email).</item>
/// <item><b>mark sent</b> = a merge of <c>State = sent</c>. If the process dies between send and mark, the claim alone
/// still blocks every later run, so the mark is bookkeeping, never the guard.</item>
/// </list>
/// <see cref="ReleaseAsync"/> is the only way back: it deletes a claim that is still <c>claimed</c>, conditioned on the
/// ETag it was read with, and the runner calls it only when the SMTP server certainly did not take the message.
/// A row already marked <c>sent</c> is never deleted.
/// </remarks>
public sealed class TableDigestLedger(HubStorage storage, TimeProvider time) : IDigestLedger
{
    private const string RunsPartition = "_runs";
    private const string LastCompletedRow = "last-completed";
    private const string Claimed = "claimed";
    private const string Sent = "sent";

    /// <summary>The row key of a claim: the month, then the SHA-256 of the lower-cased address.</summary>
    public static string ClaimRow(string recipient, DigestMonth month) =>
        $"{month}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipient.Trim().ToLowerInvariant())))}";

    public async Task<bool> TryBeginAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken);
        try
        {
            await table.AddEntityAsync(
                new TableEntity(partnerId, ClaimRow(recipient, month)) { ["State"] = Claimed, ["Month"] = month.ToString(), ["ClaimedAt"] = time.GetUtcNow() },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    public async Task MarkSentAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(partnerId, ClaimRow(recipient, month)) { ["State"] = Sent, ["SentAt"] = time.GetUtcNow() },
            TableUpdateMode.Merge,
            cancellationToken);
    }

    public async Task ReleaseAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken);
        var claim = await table.FindAsync<TableEntity>(partnerId, ClaimRow(recipient, month), cancellationToken);
        if (claim is null || claim.GetString("State") != Claimed)
        {
            return;
        }

        try
        {
            await table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, claim.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.Status == 404)
        {
            // Changed (marked sent) or gone since it was read: keep whatever is there now.
        }
    }

    public async Task<DigestMonth?> LastCompletedMonthAsync(CancellationToken cancellationToken)
    {
        var row = await (await Table(cancellationToken)).FindAsync<TableEntity>(RunsPartition, LastCompletedRow, cancellationToken);
        return row?.GetString("Month") is { } value && DigestMonth.TryParse(value, out var month) ? month : null;
    }

    public async Task MarkMonthCompletedAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var row = await table.FindAsync<TableEntity>(RunsPartition, LastCompletedRow, cancellationToken);
            if (row?.GetString("Month") is { } value && DigestMonth.TryParse(value, out var current) && current >= month)
            {
                return;
            }

            var entity = new TableEntity(RunsPartition, LastCompletedRow) { ["Month"] = month.ToString(), ["CompletedAt"] = time.GetUtcNow() };
            try
            {
                if (row is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < 5)
            {
                // Another run moved it at the same time: read again; it never moves backwards.
            }
        }
    }

    public async Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> FirstSendsAsync(CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken);
        var first = new Dictionary<DigestMonth, DateTimeOffset>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey != RunsPartition, select: ["PartitionKey", "Month", "ClaimedAt"], cancellationToken: cancellationToken))
        {
            if (row.GetString("Month") is { } value && DigestMonth.TryParse(value, out var month) && row.GetDateTimeOffset("ClaimedAt") is { } claimed
                && (!first.TryGetValue(month, out var known) || claimed < known))
            {
                first[month] = claimed;
            }
        }

        return first;
    }

    private Task<TableClient> Table(CancellationToken cancellationToken) => storage.TableAsync(HubStorage.DigestsTable, cancellationToken);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Builds a month's shared index (<see cref="DigestIndexSnapshot"/>) from the month index in one pass: the month's
/// own rows come a collaboration at a time (key order), each collaboration is folded on one of the cores as soon as its
/// rows are in and then dropped, so memory holds the folded months and one collaboration's rows, never the month's
/// updates. The late rows of the earlier months in reach are read first (they are few) and kept by the cutoff rule.
/// </summary>
public static class DigestIndexBuilder
{
    public static async Task<DigestIndexSnapshot> BuildAsync(
        IDigestSource source,
        DigestMonth month,
        DateTimeOffset cutoff,
        IReadOnlyDictionary<DigestMonth, DateTimeOffset> cutoffs,
        TimeSpan maxLate,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cutoffs);
        DateTimeOffset? CutoffOf(DigestMonth m) => m == month ? cutoff : cutoffs.TryGetValue(m, out var c) ? c : null;

        // Reported late: rows of earlier months stored after their cutoff, that the rule gives to this month.
        var late = new ConcurrentDictionary<string, List<NormalisedUpdate>>(StringComparer.Ordinal);
        var lookBack = DigestMonthRule.LookBack(maxLate);
        var earlier = month;
        for (var i = 0; i < lookBack; i++)
        {
            earlier = earlier.Previous();
            await foreach (var row in source.LateAsync(earlier, cancellationToken))
            {
                if (DigestMonthRule.MonthOf(row.Update.OccurredAt, row.StoredAt, CutoffOf, maxLate) == month)
                {
                    late.GetOrAdd(row.Update.Collaboration, _ => []).Add(row.Update);
                }
            }
        }

        var folded = new ConcurrentBag<CollaborationMonth>();
        var groups = Channel.CreateBounded<(string Id, List<NormalisedUpdate> Updates)>(new BoundedChannelOptions(Environment.ProcessorCount * 4) { SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var folding = Task.Run(
            async () =>
            {
                try
                {
                    await Parallel.ForEachAsync(
                        groups.Reader.ReadAllAsync(stop.Token),
                        new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stop.Token },
                        (group, _) =>
                        {
                            late.TryRemove(group.Id, out var reported);
                            folded.Add(CollaborationMonth.Fold(group.Id, group.Updates, reported ?? []));
                            return ValueTask.CompletedTask;
                        });
                }
                catch
                {
                    // Stop the reader too, so that it never waits on a full channel nobody empties.
                    await stop.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None);

        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            string? current = null;
            var rows = new List<NormalisedUpdate>();
            await foreach (var row in source.MonthAsync(month, stop.Token))
            {
                // A row marked late belongs to a later month; one stored beyond the limit to none.
                if (row.Late || row.StoredAt - row.Update.OccurredAt > maxLate)
                {
                    continue;
                }

                if (row.Update.Collaboration != current)
                {
                    if (current is not null)
                    {
                        await groups.Writer.WriteAsync((current, rows), stop.Token);
                    }

                    current = row.Update.Collaboration;
                    if (!seen.Add(current))
                    {
                        throw new InvalidOperationException($"The month index gave collaboration {current}'s rows apart; they must come together.");
                    }

                    rows = [];
                }

                rows.Add(row.Update);
            }

            if (current is not null)
            {
                await groups.Writer.WriteAsync((current, rows), stop.Token);
            }

            groups.Writer.Complete();
        }
        catch (Exception e)
        {
            groups.Writer.TryComplete(e);
            await stop.CancelAsync();
            try
            {
                await folding;
            }
            catch (OperationCanceledException)
            {
            }

            throw;
        }

        await folding;
        foreach (var (id, reported) in late)
        {
            folded.Add(CollaborationMonth.Fold(id, [], reported));
        }

        var months = folded.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        return new DigestIndexSnapshot(month.ToString(), cutoff, months.Sum(m => m.Count), months.Sum(m => m.LateCount), months);
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Builds a month's shared index (<see cref="DigestIndexSnapshot"/>) from the month index in one pass: the month's own
/// rows come a day at a time in the order things happened and are folded as they come (<see cref="CollaborationMonthBuilder"/>,
/// on every core), so memory holds the folded collaborations and a day's rows, never the month's updates. The late rows of the earlier months in reach are read first (they are few) and kept by the cutoff rule.
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
        for (var i = 0; i < lookBack && !earlier.IsFirst; i++)
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

        // The month's rows come in the order things happened; each collaboration is folded by one of the workers (by its
        // id), so its updates reach its fold in that order while the words of many are counted at once.
        var workers = Environment.ProcessorCount;
        var channels = Enumerable.Range(0, workers)
            .Select(_ => Channel.CreateBounded<NormalisedUpdate>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true }))
            .ToArray();
        var folds = Enumerable.Range(0, workers).Select(_ => new Dictionary<string, CollaborationMonthBuilder>(StringComparer.Ordinal)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var folding = Enumerable.Range(0, workers).Select(w => Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var update in channels[w].Reader.ReadAllAsync(stop.Token))
                    {
                        if (!folds[w].TryGetValue(update.Collaboration, out var fold))
                        {
                            folds[w].Add(update.Collaboration, fold = new CollaborationMonthBuilder(update.Collaboration));
                        }

                        fold.Add(update);
                    }
                }
                catch
                {
                    // Stop the reader too, so that it never waits on a full channel nobody empties.
                    await stop.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None)).ToArray();

        try
        {
            await foreach (var row in source.MonthAsync(month, stop.Token))
            {
                // A row marked late belongs to a later month; one stored beyond the limit to none.
                if (row.Late || row.StoredAt - row.Update.OccurredAt > maxLate)
                {
                    continue;
                }

                var worker = (int)((uint)StringComparer.Ordinal.GetHashCode(row.Update.Collaboration) % (uint)workers);
                await channels[worker].Writer.WriteAsync(row.Update, stop.Token);
            }

            foreach (var channel in channels)
            {
                channel.Writer.Complete();
            }
        }
        catch (Exception e)
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete(e);
            }

            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(folding);
            }
            catch (OperationCanceledException)
            {
            }

            throw;
        }

        await Task.WhenAll(folding);
        var all = folds.SelectMany(f => f.Values).ToDictionary(f => f.Id, StringComparer.Ordinal);
        foreach (var (id, reported) in late)
        {
            if (!all.TryGetValue(id, out var fold))
            {
                all.Add(id, fold = new CollaborationMonthBuilder(id));
            }

            foreach (var update in reported)
            {
                fold.AddLate(update);
            }
        }

        var folded = all.Values.Select(f => f.Build()).ToArray();
        var months = folded.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        return new DigestIndexSnapshot(month.ToString(), cutoff, months.Sum(m => m.Count), months.Sum(m => m.LateCount), months);
    }
}

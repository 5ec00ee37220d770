using System.Collections.Concurrent;
using Mellanrum.Hub.Collaborations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// A month's shared index: composed once per month (its cutoff set, the month index read after the cutoff grace,
/// folded, stored), then loaded by every job of every run from storage and kept in memory per process.
/// </summary>
public sealed partial class DigestMonths(
    IDigestSource source,
    IDigestRunStore store,
    DigestCarryOver carryOver,
    IOptions<DigestOptions> options,
    TimeProvider time,
    ILogger<DigestMonths> logger)
{
    private const int Kept = 2;
    private readonly ConcurrentDictionary<DigestMonth, Lazy<Task<DigestMonthIndex>>> _loaded = new();

    /// <summary>
    /// The month's shared index, composed now when no run composed it before: the month's cutoff is set (the first
    /// composition's time stands for good), the month is read once the cutoff grace has passed, and the index is stored
    /// whole. Every later run uses the stored index, so a re-run holds what the first one held.
    /// </summary>
    public async Task<DigestIndexSnapshot> EnsureIndexAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        if (await store.ReadIndexAsync(month, cancellationToken) is { } stored)
        {
            return stored;
        }

        await carryOver.EnsureAsync(cancellationToken);
        var cutoff = await source.SealAsync(month, time.GetUtcNow(), "composed", cancellationToken);
        var wait = cutoff + options.Value.CutoffGrace - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        if (await store.ReadIndexAsync(month, cancellationToken) is { } meanwhile)
        {
            return meanwhile;
        }

        var snapshot = await BuildAsync(month, cutoff, cancellationToken);
        await store.WriteIndexAsync(snapshot, cancellationToken);
        LogComposed(logger, month.ToString(), snapshot.UpdateCount, snapshot.LateCount, snapshot.Collaborations.Count);
        return await store.ReadIndexAsync(month, cancellationToken) ?? snapshot;
    }

    /// <summary>The month's stored index with the catalogue, loaded once per process (a job's partners share it).</summary>
    public async Task<DigestMonthIndex> LoadAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        var loaded = _loaded.GetOrAdd(month, m => new Lazy<Task<DigestMonthIndex>>(() => LoadStoredAsync(m)));
        try
        {
            var index = await loaded.Value.WaitAsync(cancellationToken);
            foreach (var old in _loaded.Keys.Order().SkipLast(Kept))
            {
                _loaded.TryRemove(old, out _);
            }

            return index;
        }
        catch (Exception) when (loaded.Value.IsFaulted)
        {
            _loaded.TryRemove(new KeyValuePair<DigestMonth, Lazy<Task<DigestMonthIndex>>>(month, loaded));
            throw;
        }
    }

    /// <summary>
    /// The month as its digest shows it: the stored index once the month was composed; before that, what it would hold
    /// if composed now (nothing is set or stored).
    /// </summary>
    public async Task<DigestMonthIndex> PreviewAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        if (await store.ReadIndexAsync(month, cancellationToken) is not null)
        {
            return await LoadAsync(month, cancellationToken);
        }

        await carryOver.EnsureAsync(cancellationToken);
        var cutoffs = await source.CutoffsAsync(month, month, cancellationToken);
        var snapshot = await BuildAsync(month, cutoffs.TryGetValue(month, out var sealedAt) ? sealedAt : time.GetUtcNow(), cancellationToken);
        return DigestMonthIndex.From(snapshot, await CatalogueAsync(cancellationToken));
    }

    private async Task<DigestIndexSnapshot> BuildAsync(DigestMonth month, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var from = month;
        for (var i = 0; i < DigestMonthRule.LookBack(options.Value.MaxLate) && !from.IsFirst; i++)
        {
            from = from.Previous();
        }

        var cutoffs = await source.CutoffsAsync(from, month, cancellationToken);
        return await DigestIndexBuilder.BuildAsync(source, month, cutoff, cutoffs, options.Value.MaxLate, cancellationToken);
    }

    private async Task<DigestMonthIndex> LoadStoredAsync(DigestMonth month)
    {
        var snapshot = await store.ReadIndexAsync(month, CancellationToken.None)
            ?? throw new InvalidOperationException($"The digest index of {month} is not composed yet.");
        return DigestMonthIndex.From(snapshot, await CatalogueAsync(CancellationToken.None));
    }

    private async Task<List<Collaboration>> CatalogueAsync(CancellationToken cancellationToken)
    {
        var catalogue = new List<Collaboration>();
        await foreach (var collaboration in source.CollaborationsAsync(cancellationToken))
        {
            catalogue.Add(collaboration);
        }

        return catalogue;
    }

    [LoggerMessage(LogLevel.Information, "Composed the digest index of {Month}: {Updates} updates, {Late} reported late, {Collaborations} collaborations")]
    private static partial void LogComposed(ILogger logger, string month, int updates, int late, int collaborations);
}

/// <summary>
/// Carries the hub over to the month index once: months already sent get the time of their first send (from the
/// ledger) as their cutoff, then the rows of the day index are carried over. Composition waits for it.
/// </summary>
public sealed partial class DigestCarryOver(IDigestSource source, IDigestLedger ledger, ILogger<DigestCarryOver> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_done)
            {
                return;
            }

            if (!await source.IsCarriedOverAsync(cancellationToken))
            {
                foreach (var (month, firstSend) in await ledger.FirstSendsAsync(cancellationToken))
                {
                    await source.SealAsync(month, firstSend, "first send (ledger)", cancellationToken);
                }

                await source.CarryOverAsync(cancellationToken);
                LogCarriedOver(logger);
            }

            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(LogLevel.Information, "Carried the digest over to the month index: months already sent have their cutoff from the ledger")]
    private static partial void LogCarriedOver(ILogger logger);
}

/// <summary>Carries the digest over at start (idempotent; composition does it too if this has not).</summary>
public sealed partial class DigestCarryOverAtStart(DigestCarryOver carryOver, ILogger<DigestCarryOverAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await carryOver.EnsureAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever failed must not stop the host: the next composition carries over first.
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not carry the digest over at start ({Error}); the next composition does")]
    private static partial void LogFailed(ILogger logger, string error);
}

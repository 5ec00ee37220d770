using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>
/// An <see cref="IDigestSource"/> over lists, for tests only: the month index as <see cref="UpdateMonthIndex"/> keeps it
/// (rows by the month they occurred in, marked late when written after that month's cutoff), and the cutoffs.
/// Each update is stored at its <c>receivedAt</c> unless <see cref="Store"/> says otherwise. Counts the month reads.
/// </summary>
public sealed class InMemoryDigestSource(
    IReadOnlyList<Collaboration> collaborations,
    IReadOnlyList<NormalisedUpdate> updates,
    IReadOnlyList<Partner> partners) : IDigestSource
{
    private readonly ConcurrentDictionary<DigestMonth, DateTimeOffset> _cutoffs = new();
    private readonly List<MonthIndexRow> _stored = [];
    private readonly Lock _lock = new();
    private bool _seeded;

    public int UpdateReads { get; private set; }

    public IReadOnlyDictionary<DigestMonth, DateTimeOffset> Cutoffs => _cutoffs;

    /// <summary>Stores an update at <paramref name="storedAt"/>, as the recorder would: late if its month has a cutoff then.</summary>
    public void Store(NormalisedUpdate update, DateTimeOffset storedAt)
    {
        Seed();
        var month = DigestMonth.Containing(update.OccurredAt);
        lock (_lock)
        {
            var late = _cutoffs.TryGetValue(month, out var cutoff) && storedAt >= cutoff;
            _stored.Add(new MonthIndexRow(update, storedAt, late));
        }
    }

    /// <summary>Called as a month's read begins (a test stores an update while the month is composed).</summary>
    public Action<DigestMonth>? OnRead { get; set; }

    public async IAsyncEnumerable<MonthIndexRow> MonthAsync(DigestMonth month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Seed();
        UpdateReads++;
        OnRead?.Invoke(month);
        MonthIndexRow[] rows;
        lock (_lock)
        {
            rows = _stored.Where(r => DigestMonth.Containing(r.Update.OccurredAt) == month)
                .OrderBy(r => r.Update.OccurredAt).ThenBy(r => r.Update.ReceivedAt).ThenBy(r => r.Update.Id, StringComparer.Ordinal).ToArray();
        }

        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<MonthIndexRow> LateAsync(DigestMonth month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Seed();
        MonthIndexRow[] rows;
        lock (_lock)
        {
            rows = _stored.Where(r => r.Late && DigestMonth.Containing(r.Update.OccurredAt) == month).ToArray();
        }

        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> CutoffsAsync(DigestMonth from, DigestMonth to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<DigestMonth, DateTimeOffset>>(_cutoffs.Where(c => c.Key >= from && c.Key <= to).ToDictionary(c => c.Key, c => c.Value));

    public Task<DateTimeOffset> SealAsync(DigestMonth month, DateTimeOffset cutoff, string reason, CancellationToken cancellationToken) =>
        Task.FromResult(_cutoffs.GetOrAdd(month, cutoff));

    public Task<bool> IsCarriedOverAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task CarryOverAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async IAsyncEnumerable<Collaboration> CollaborationsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var collaboration in collaborations)
        {
            yield return collaboration;
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<Partner> PartnersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var partner in partners)
        {
            yield return partner;
        }

        await Task.CompletedTask;
    }

    public Task<Partner?> PartnerAsync(string partnerId, CancellationToken cancellationToken) =>
        Task.FromResult(partners.FirstOrDefault(p => p.Id == partnerId));

    private void Seed()
    {
        lock (_lock)
        {
            if (_seeded)
            {
                return;
            }

            _seeded = true;
            _stored.AddRange(updates.Select(u => new MonthIndexRow(u, u.ReceivedAt, false)));
        }
    }
}

/// <summary>An <see cref="IDigestLedger"/> in memory, for tests only: a claim is an insert that fails if present.</summary>
public sealed class InMemoryDigestLedger : IDigestLedger
{
    private readonly Dictionary<(string Partner, string Recipient, DigestMonth Month), bool> _claims = [];
    private readonly Lock _lock = new();
    private DigestMonth? _completed;

    public InMemoryDigestLedger(DigestMonth? completed = null) => _completed = completed;

    public IReadOnlyDictionary<(string Partner, string Recipient, DigestMonth Month), bool> Claims
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<(string, string, DigestMonth), bool>(_claims);
            }
        }
    }

    /// <summary>Throws once from <see cref="MarkSentAsync"/>, as a job whose process dies between the send and the mark.</summary>
    public bool DieBeforeNextMark { get; set; }

    public Task<bool> TryBeginAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_claims.TryAdd((partnerId, recipient, month), false));
        }
    }

    public Task MarkSentAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        if (DieBeforeNextMark)
        {
            DieBeforeNextMark = false;
            throw new InvalidOperationException("The job's process died.");
        }

        lock (_lock)
        {
            _claims[(partnerId, recipient, month)] = true;
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _claims.Remove((partnerId, recipient, month));
        }

        return Task.CompletedTask;
    }

    public Task<DigestMonth?> LastCompletedMonthAsync(CancellationToken cancellationToken) => Task.FromResult(_completed);

    public Task MarkMonthCompletedAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        _completed = month;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> FirstSendsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<DigestMonth, DateTimeOffset>>(new Dictionary<DigestMonth, DateTimeOffset>());
}

/// <summary>An <see cref="IDigestRunStore"/> in memory, for tests only.</summary>
public sealed class InMemoryDigestRunStore : IDigestRunStore
{
    private readonly ConcurrentDictionary<DigestMonth, DigestIndexSnapshot> _indexes = new();
    private readonly ConcurrentDictionary<(DigestMonth, string), DigestRun> _runs = new();
    private readonly ConcurrentDictionary<(DigestMonth, string, string), PartnerOutcome> _outcomes = new();

    public int IndexWrites { get; private set; }

    public Task<DigestIndexSnapshot?> ReadIndexAsync(DigestMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(_indexes.GetValueOrDefault(month));

    public Task WriteIndexAsync(DigestIndexSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (_indexes.TryAdd(DigestMonth.Parse(snapshot.Month), snapshot))
        {
            IndexWrites++;
        }

        return Task.CompletedTask;
    }

    public Task SaveRunAsync(DigestRun run, CancellationToken cancellationToken)
    {
        _runs[(DigestMonth.Parse(run.Month), run.Id)] = run;
        return Task.CompletedTask;
    }

    public Task<DigestRun?> GetRunAsync(DigestMonth month, string runId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.GetValueOrDefault((month, runId)));

    public Task<DigestRun?> LatestRunAsync(DigestMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.Where(r => r.Key.Item1 == month).OrderBy(r => r.Key.Item2, StringComparer.Ordinal).Select(r => r.Value).FirstOrDefault());

    public Task<PartnerOutcome?> GetOutcomeAsync(DigestMonth month, string runId, string partnerId, CancellationToken cancellationToken) =>
        Task.FromResult(_outcomes.GetValueOrDefault((month, runId, partnerId)));

    public Task SaveOutcomeAsync(DigestMonth month, string runId, PartnerOutcome outcome, CancellationToken cancellationToken)
    {
        _outcomes[(month, runId, outcome.PartnerId)] = outcome;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PartnerOutcome>> OutcomesAsync(DigestMonth month, string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PartnerOutcome>>(_outcomes.Where(o => o.Key.Item1 == month && o.Key.Item2 == runId).Select(o => o.Value).ToList());
}

/// <summary>An <see cref="IDigestJobQueue"/> in memory: the messages as the queue would hold them, with their delays.</summary>
public sealed class InMemoryDigestJobQueue : IDigestJobQueue
{
    private readonly ConcurrentQueue<(string Message, TimeSpan? Delay)> _messages = new();

    public int Enqueued { get; private set; }

    public Task EnqueueAsync(DigestJob job, TimeSpan? delay, CancellationToken cancellationToken)
    {
        _messages.Enqueue((job.ToJson(), delay));
        Enqueued++;
        return Task.CompletedTask;
    }

    public bool TryTake(out string message, out TimeSpan? delay)
    {
        var taken = _messages.TryDequeue(out var next);
        (message, delay) = next;
        return taken;
    }
}

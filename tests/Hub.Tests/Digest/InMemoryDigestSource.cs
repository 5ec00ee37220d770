using System.Runtime.CompilerServices;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>An <see cref="IDigestSource"/> over lists, for tests only; counts how often the updates are read.</summary>
public sealed class InMemoryDigestSource(
    IReadOnlyList<Collaboration> collaborations,
    IReadOnlyList<NormalisedUpdate> updates,
    IReadOnlyList<Partner> partners) : IDigestSource
{
    public int UpdateReads { get; private set; }

    public async IAsyncEnumerable<NormalisedUpdate> UpdatesAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        UpdateReads++;
        foreach (var update in updates.Where(u => u.ReceivedAt >= from && u.ReceivedAt < to))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }

        await Task.CompletedTask;
    }

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

    public Task<bool> TryBeginAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_claims.TryAdd((partnerId, recipient, month), false));
        }
    }

    public Task MarkSentAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken)
    {
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
}

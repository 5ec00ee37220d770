using System.Runtime.CompilerServices;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>The month's shared index: built from the month index by the cutoff rule, each update in exactly one month.</summary>
public sealed class DigestMonthIndexTests
{
    private static readonly TimeSpan NinetyDays = TimeSpan.FromDays(90);

    [Fact]
    public async Task BuildAsync_SeededMonth_SameIndexAsBuildingInMemory()
    {
        var streamed = DigestMonthIndex.From(
            await DigestIndexBuilder.BuildAsync(DigestSeed.Source(), DigestSeed.March, DigestSeed.March.Period.To, new Dictionary<DigestMonth, DateTimeOffset>(), NinetyDays, CancellationToken.None),
            DigestSeed.Collaborations);
        var inMemory = DigestSeed.Index();

        Assert.Equal(inMemory.UpdateCount, streamed.UpdateCount);
        Assert.Equal(
            inMemory.Likeness.FindLike("e-arkiv-sodertorn", 5).Select(l => (l.DocumentId, l.SharedWords.Count)),
            streamed.Likeness.FindLike("e-arkiv-sodertorn", 5).Select(l => (l.DocumentId, l.SharedWords.Count)));
    }

    [Fact]
    public async Task BuildAsync_Source_ReadsTheMonthOnceAndOnlyItsMonth()
    {
        var source = DigestSeed.Source();

        var snapshot = await DigestIndexBuilder.BuildAsync(source, DigestSeed.March, DigestSeed.March.Period.To, new Dictionary<DigestMonth, DateTimeOffset>(), NinetyDays, CancellationToken.None);

        Assert.Equal(1, source.UpdateReads);
        Assert.Equal(10, snapshot.UpdateCount);
        Assert.DoesNotContain(snapshot.Collaborations.SelectMany(c => c.Items), i => i.Id == "u11");
    }

    [Fact]
    public async Task BuildAsync_StorageFailsMidMonth_ThrowsTheStorageError()
    {
        var failure = await Assert.ThrowsAsync<IOException>(() =>
            DigestIndexBuilder.BuildAsync(new FailingSource(), DigestSeed.March, DigestSeed.March.Period.To, new Dictionary<DigestMonth, DateTimeOffset>(), NinetyDays, CancellationToken.None));

        Assert.Equal("storage went away", failure.Message);
    }

    [Fact]
    public async Task EnsureIndexAsync_UpdateStoredWhileTheMonthIsComposed_InTheNextMonthAsReportedLate()
    {
        var hub = new DigestHarness(new DigestRunnerTests.RecordingMailer());
        var during = DigestSeed.Updates[2] with { Id = "during", Title = "Protokollet från mars justerat", ReceivedAt = DateTimeOffset.Parse("2026-04-01T05:00:11Z") };
        hub.Source.OnRead = month =>
        {
            if (month == DigestSeed.March)
            {
                hub.Source.OnRead = null;
                hub.Source.Store(during, hub.Time.GetUtcNow());
            }
        };

        var march = await hub.Months.EnsureIndexAsync(DigestSeed.March, CancellationToken.None);
        hub.Time.SetUtcNow(DateTimeOffset.Parse("2026-05-01T05:00:00Z"));
        var april = await hub.Months.EnsureIndexAsync(new DigestMonth(2026, 4), CancellationToken.None);

        Assert.DoesNotContain(march.Collaborations.SelectMany(c => c.Items.Concat(c.LateItems)), i => i.Id == "during");
        Assert.Equal(["during"], april.Collaborations.SelectMany(c => c.LateItems).Select(i => i.Id));
        Assert.Equal(1, april.LateCount);
    }

    [Fact]
    public async Task EnsureIndexAsync_ManyUpdatesOverHalfAYear_EachInExactlyOneDigestOrNoneWhenTooLate()
    {
        // Updates that occurred from January to June 2026, stored from at once to 120 days later, interleaved in time
        // with each month's composition on the 1st (some a few days late): every update is in exactly one month's index,
        // unless it was stored more than 90 days after it occurred.
        var random = new Random(2026);
        var template = DigestSeed.Updates[0];
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var updates = Enumerable.Range(0, 600).Select(i =>
        {
            var occurred = start.AddMinutes(random.Next(0, 181 * 24 * 60));
            var stored = occurred.AddMinutes(random.Next(0, 120 * 24 * 60));
            // One collaboration each, so that every update is among those its collaboration's month shows.
            return (Update: template with { Id = $"u{i:D4}", Collaboration = $"samverkan-{i:D4}", OccurredAt = occurred, ReceivedAt = stored }, Stored: stored);
        }).ToArray();
        var source = new InMemoryDigestSource(DigestSeed.Collaborations, [], DigestSeed.Partners);
        var hub = new DigestHarness(new DigestRunnerTests.RecordingMailer(), source: source, time: new FakeTimeProvider(start));
        var compositions = Enumerable.Range(1, 10).Select(i => (Month: new DigestMonth(2026, 1).Plus(i - 1), At: DigestSchedule.DueAt(new DigestMonth(2026, 1).Plus(i - 1)).AddDays(random.Next(0, 4)))).ToArray();
        var events = updates.Select(u => (At: u.Stored, Update: (NormalisedUpdate?)u.Update, Month: (DigestMonth?)null))
            .Concat(compositions.Select(c => (c.At, Update: (NormalisedUpdate?)null, Month: (DigestMonth?)c.Month)))
            .OrderBy(e => e.At).ThenBy(e => e.Month is null ? 0 : 1);
        var seen = new Dictionary<string, List<DigestMonth>>(StringComparer.Ordinal);
        foreach (var (at, update, month) in events)
        {
            hub.Time.SetUtcNow(at);
            if (update is not null)
            {
                source.Store(update, at);
                continue;
            }

            var snapshot = await hub.Months.EnsureIndexAsync(month!.Value, CancellationToken.None);
            foreach (var item in snapshot.Collaborations.SelectMany(c => c.AllIds()))
            {
                seen.TryAdd(item, []);
                seen[item].Add(month.Value);
            }
        }

        Assert.All(seen, s => Assert.Single(s.Value));
        foreach (var (update, stored) in updates)
        {
            var tooLate = stored - update.OccurredAt > NinetyDays;
            Assert.True(tooLate != seen.ContainsKey(update.Id), $"{update.Id}: occurred {update.OccurredAt:u}, stored {stored:u}, in {string.Join(", ", seen.GetValueOrDefault(update.Id) ?? [])}");
        }

        // Some were reported late, in a later month than the one they occurred in.
        Assert.Contains(updates, u => seen.TryGetValue(u.Update.Id, out var months) && months[0] > DigestMonth.Containing(u.Update.OccurredAt));
    }

    private sealed class FailingSource : IDigestSource
    {
        public async IAsyncEnumerable<MonthIndexRow> MonthAsync(DigestMonth month, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var update in DigestSeed.Updates.Take(3))
            {
                yield return new MonthIndexRow(update, update.ReceivedAt, false);
            }

            await Task.Yield();
            throw new IOException("storage went away");
        }

        public IAsyncEnumerable<MonthIndexRow> LateAsync(DigestMonth month, CancellationToken cancellationToken) => AsyncEnumerable.Empty<MonthIndexRow>();

        public Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> CutoffsAsync(DigestMonth from, DigestMonth to, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<DigestMonth, DateTimeOffset>>(new Dictionary<DigestMonth, DateTimeOffset>());

        public Task<DateTimeOffset> SealAsync(DigestMonth month, DateTimeOffset cutoff, string reason, CancellationToken cancellationToken) => Task.FromResult(cutoff);

        public Task<bool> IsCarriedOverAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public Task CarryOverAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public IAsyncEnumerable<Collaboration> CollaborationsAsync(CancellationToken cancellationToken) => DigestSeed.Source().CollaborationsAsync(cancellationToken);

        public IAsyncEnumerable<Partner> PartnersAsync(CancellationToken cancellationToken) => DigestSeed.Source().PartnersAsync(cancellationToken);

        public Task<Partner?> PartnerAsync(string partnerId, CancellationToken cancellationToken) => Task.FromResult<Partner?>(null);
    }
}

internal static class DigestMonthTestExtensions
{
    public static DigestMonth Plus(this DigestMonth month, int months)
    {
        for (var i = 0; i < months; i++)
        {
            month = month.Next();
        }

        return month;
    }

    public static IEnumerable<string> AllIds(this CollaborationMonth month) => month.Items.Concat(month.LateItems).Select(i => i.Id);
}

using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Local;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Tests.Digest;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>
/// A hub from before the month index, on Azurite: updates in <c>UpdatesByDay</c> (by the UTC day they were received)
/// and October's digest sent on 1 November. Carried over once: October takes the time of its first email as its cutoff,
/// and the old rows are indexed by the month they occurred in, late when received after their month's cutoff.
/// </summary>
public sealed class DigestCarryOverTests : IAsyncLifetime
{
    private static readonly DigestMonth October = new(2026, 10);
    private static readonly DigestMonth November = new(2026, 11);
    private static readonly DateTimeOffset OctoberSent = DateTimeOffset.Parse("2026-11-01T06:00:03Z", System.Globalization.CultureInfo.InvariantCulture);

    private AzuriteProcess _azurite = null!;
    private HubStorage _storage = null!;
    private UpdateStore _updates = null!;
    private TableDigestSource _source = null!;
    private TableDigestLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null);
        var configuration = new ConfigurationBuilder().Build();
        _storage = new HubStorage(new TableServiceClient(_azurite.ConnectionString), new QueueServiceClient(_azurite.ConnectionString), Options.Create(new HubOptions { AdminKey = "carry-over-admin-key-0000" }), configuration);
        _updates = new UpdateStore(_storage, NullLogger<UpdateStore>.Instance, TimeProvider.System);
        var collaborations = new CollaborationStore(
            _storage,
            new CollaborationIndex(_storage, OrganisationRegistry.Shared, TimeProvider.System),
            new CollaborationMigration(_updates, NullLogger<CollaborationMigration>.Instance),
            TimeProvider.System,
            NullLogger<CollaborationStore>.Instance);
        _source = new TableDigestSource(_updates, collaborations, new PartnerStore(_storage, TimeProvider.System));
        _ledger = new TableDigestLedger(_storage, new FakeTimeProvider(OctoberSent));
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task EnsureAsync_HubFromBeforeTheMonthIndex_OldRowsByTheMonthTheyOccurredInWithOctobersFirstSendAsItsCutoff()
    {
        var template = DigestSeed.Updates[2];
        var onTime = template with { Id = "u-october-on-time", OccurredAt = At("2026-10-14T07:00:00Z"), ReceivedAt = At("2026-10-15T08:00:00Z") };
        var late = template with { Id = "u-october-late", OccurredAt = At("2026-10-20T07:00:00Z"), ReceivedAt = At("2026-11-03T08:00:00Z") };
        var november = template with { Id = "u-november", OccurredAt = At("2026-11-05T07:00:00Z"), ReceivedAt = At("2026-11-05T08:00:00Z") };
        foreach (var update in new[] { onTime, late, november })
        {
            await _updates.WriteByDayAsync(update, JsonSerializer.Serialize(update, HubJson.Options), CancellationToken.None);
        }

        await _ledger.TryBeginAsync("haninge", "it@haninge.example", October, CancellationToken.None);
        var carryOver = new DigestCarryOver(_source, _ledger, NullLogger<DigestCarryOver>.Instance);

        await carryOver.EnsureAsync(CancellationToken.None);

        Assert.Equal(OctoberSent, (await _source.CutoffsAsync(October, November, CancellationToken.None))[October]);
        var octoberRows = await _source.MonthAsync(October, CancellationToken.None).ToListAsync();
        Assert.Equal([("u-october-on-time", false), ("u-october-late", true)], octoberRows.Select(r => (r.Update.Id, r.Late)));
        Assert.Equal(["u-october-late"], (await _source.LateAsync(October, CancellationToken.None).ToListAsync()).Select(r => r.Update.Id));
        var novemberIndex = await DigestIndexBuilder.BuildAsync(_source, November, At("2026-12-01T06:00:00Z"), await _source.CutoffsAsync(new DigestMonth(2026, 6), November, CancellationToken.None), TimeSpan.FromDays(90), CancellationToken.None);
        Assert.Equal(1, novemberIndex.UpdateCount);
        Assert.Equal(["u-october-late"], novemberIndex.Collaborations.SelectMany(c => c.LateItems).Select(i => i.Id));
    }

    [Fact]
    public async Task CarryOverDayIndexAsync_Twice_OnceOnly()
    {
        var update = DigestSeed.Updates[0] with { Id = "u-once", OccurredAt = At("2026-10-02T07:00:00Z"), ReceivedAt = At("2026-10-02T08:00:00Z") };
        await _updates.WriteByDayAsync(update, JsonSerializer.Serialize(update, HubJson.Options), CancellationToken.None);

        var first = await _updates.Months.CarryOverDayIndexAsync(CancellationToken.None);
        var second = await _updates.Months.CarryOverDayIndexAsync(CancellationToken.None);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.True(await _updates.Months.IsCarriedOverAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WriteByMonthAsync_MonthWithACutoff_Late_AndWrittenAgainStaysAsFirstWritten()
    {
        await _updates.Months.SealAsync("2026-09", At("2026-10-01T05:00:00Z"), "composed", CancellationToken.None);
        var update = DigestSeed.Updates[0] with { Id = "u-september", OccurredAt = At("2026-09-29T07:00:00Z") };
        var json = JsonSerializer.Serialize(update, HubJson.Options);

        await _updates.WriteByMonthAsync(update, json, CancellationToken.None);
        await _updates.WriteByMonthAsync(update, json, CancellationToken.None);

        var row = Assert.Single(await _updates.Months.ReadMonthAsync("2026-09", CancellationToken.None).ToListAsync());
        Assert.True(row.Late);
        Assert.True(row.StoredAt > At("2026-10-01T05:00:00Z"));
        Assert.Equal(["u-september"], (await _updates.Months.ReadLateAsync("2026-09", CancellationToken.None).ToListAsync()).Select(r => r.Update.Id));
    }

    private static DateTimeOffset At(string value) => DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Tests.Digest;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Benchmarks.Digest;

/// <summary>
/// The digest at Sweden's scale, as a console mode (BenchmarkDotNet's many launches would reseed Azurite each time):
/// <c>dotnet run -c Release --project tests/Hub.Benchmarks -- digest [--updates 1000000] [--partners 5000] [--iterations 1]</c>.
/// Seeds an in-memory Azurite with a month of <see cref="DigestLoad.Stream"/> in the stores' own shapes (the month index
/// <c>UpdatesByMonth</c> in batches of up to 100 per day partition, collaborations, partners; the month is made as it is
/// written, never held), then measures, interleaved:
/// (a) <b>read</b>: only reading the month's rows through <see cref="UpdateMonthIndex.ReadMonthAsync"/>;
/// (b) <b>compose</b>: what a run does but mail: the month's shared index built from Azurite
/// (<see cref="DigestIndexBuilder"/>: the month read once, a day at a time, folded as it comes) and stored
/// (<see cref="TableDigestRunStore"/>), loaded back with the catalogue as each job's instance does, then every partner's
/// digest composed and rendered (<see cref="DigestPipeline"/>, every core).
/// Memory: the managed heap's peak growth and the process's peak working set, sampled during each step.
/// </summary>
public static class DigestBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        var updates = Option(args, "--updates", 100_000);
        var partners = Option(args, "--partners", 1_000);
        var iterations = Option(args, "--iterations", 3);

        using var azurite = await BenchmarkAzurite.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AzureClients.StorageSetting] = azurite.ConnectionString }).Build();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var queues = new QueueServiceClient(azurite.ConnectionString);
        HubStorage Storage(string prefix) => new(tables, queues, Options.Create(new HubOptions { AdminKey = "benchmark-admin-key-0000", TablePrefix = prefix }), configuration);
        var storage = Storage("hub");
        var updateStore = new UpdateStore(storage, NullLogger<UpdateStore>.Instance, TimeProvider.System);
        var partnerStore = new PartnerStore(storage, TimeProvider.System);
        var collaborationStore = new CollaborationStore(
            storage,
            new CollaborationIndex(storage, OrganisationRegistry.Shared, TimeProvider.System),
            new CollaborationMigration(updateStore, NullLogger<CollaborationMigration>.Instance),
            TimeProvider.System,
            NullLogger<CollaborationStore>.Instance);
        var source = new TableDigestSource(updateStore, collaborationStore, partnerStore);
        var composer = new DigestComposer(OrganisationRegistry.Shared);
        var renderer = new DigestRenderer(Options.Create(new DigestOptions { BaseUrl = "https://mellanrum.example.se" }));
        var month = DigestLoad.Month;
        var maxLate = TimeSpan.FromDays(90);
        var noCutoffs = new Dictionary<DigestMonth, DateTimeOffset>();

        var seeding = Stopwatch.StartNew();
        var scenario = DigestLoad.Stream(updates, partners, seed: 2026);
        var requests = await SeedAsync(storage, partnerStore, scenario);
        Console.WriteLine($"Seeded {updates:N0} updates ({scenario.Collaborations.Count:N0} collaborations), {partners:N0} partners in {seeding.Elapsed.TotalSeconds:F1} s ({requests:N0} batch requests); working set now {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024:N0} MB.");

        async Task<(int, string)> ReadAsync()
        {
            var count = 0;
            await foreach (var row in updateStore.Months.ReadMonthAsync(month.ToString(), CancellationToken.None))
            {
                count++;
            }

            return (count, $"{count:N0} updates");
        }

        var run = 0;
        async Task<(int, string)> ComposeAsync()
        {
            var phase = Stopwatch.StartNew();
            var snapshot = await DigestIndexBuilder.BuildAsync(source, month, month.Period.To, noCutoffs, maxLate, CancellationToken.None);
            var built = phase.Elapsed;

            // Each run its own shared index table, so every iteration writes it (a month's is written once).
            var store = new TableDigestRunStore(Storage($"run{++run}"));
            await store.WriteIndexAsync(snapshot, CancellationToken.None);
            var written = phase.Elapsed;
            snapshot = null;

            var stored = await store.ReadIndexAsync(month, CancellationToken.None) ?? throw new InvalidOperationException("The shared index was not stored.");
            var catalogue = new List<Collaboration>();
            await foreach (var collaboration in source.CollaborationsAsync(CancellationToken.None))
            {
                catalogue.Add(collaboration);
            }

            var index = DigestMonthIndex.From(stored, catalogue);
            var loaded = phase.Elapsed;
            int digests = 0, suggestions = 0;
            long characters = 0;
            await foreach (var composed in DigestPipeline.ComposeAllAsync(composer, renderer, index, source.PartnersAsync(CancellationToken.None), CancellationToken.None))
            {
                if (composed is not { Digest: { } digest, Rendered: { } rendered })
                {
                    continue;
                }

                digests++;
                suggestions += digest.Suggestions.Count;
                characters += rendered.Html.Length + rendered.Text.Length;
            }

            var composing = phase.Elapsed - loaded;
            return (index.UpdateCount, string.Create(
                CultureInfo.InvariantCulture,
                $"build {built.TotalSeconds:F2} s + store the shared index {(written - built).TotalSeconds:F2} s ({stored.Collaborations.Count:N0} rows) + load it {(loaded - written).TotalSeconds:F2} s + compose and render {composing.TotalSeconds:F2} s; {index.UpdateCount:N0} updates, {digests:N0} digests, {suggestions / (double)Math.Max(1, digests):F1} suggestions each, {characters / Math.Max(1, digests) / 1024:N0} K chars each"));
        }

        var read = new List<Measurement>();
        var compose = new List<Measurement>();
        for (var i = 0; i <= iterations; i++)
        {
            var label = i == 0 ? "warm-up" : $"#{i}";
            var a = await MeasureAsync(ReadAsync);
            Console.WriteLine($"{label,-8} read {a}");
            var b = await MeasureAsync(ComposeAsync);
            Console.WriteLine($"{label,-8} compose {b}  ({b.Elapsed.TotalSeconds / a.Elapsed.TotalSeconds:F2}x)");
            if (i > 0 || iterations == 0)
            {
                read.Add(a);
                compose.Add(b);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{updates:N0} updates, {partners:N0} partners, {iterations} iteration(s) after a warm-up, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| Step | Mean | Min | Max | Ratio | Allocated | Peak heap growth | Peak working set |");
        Console.WriteLine("|------|-----:|----:|----:|------:|----------:|-----------------:|-----------------:|");
        var baseline = read.Average(m => m.Elapsed.TotalSeconds);
        foreach (var (name, list) in new[] { ("(a) read the month (ReadMonthAsync)", read), ("(b) compose every digest from Azurite", compose) })
        {
            var mean = list.Average(m => m.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {mean:F2} s | {list.Min(m => m.Elapsed.TotalSeconds):F2} s | {list.Max(m => m.Elapsed.TotalSeconds):F2} s | {mean / baseline:F2} | {list.Average(m => m.AllocatedMb):F0} MB | {list.Max(m => m.PeakMb):F0} MB | {list.Max(m => m.PeakWorkingSetMb):F0} MB |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Process peak working set (the whole run, seeding included): {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MB");
        return 0;
    }

    /// <summary>Writes the month in the month index's row shape, a collaboration's rows in batches of up to 100.</summary>
    private static async Task<int> SeedAsync(HubStorage storage, PartnerStore partners, DigestLoadStream scenario)
    {
        var byMonth = await storage.TableAsync(UpdateMonthIndex.Table);
        var batches = Batches(scenario.Updates());
        var count = 0;
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
        {
            await byMonth.SubmitTransactionAsync(
                batch.Select(u => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(UpdateMonthIndex.Partition(u.OccurredAt), u.Id)
                {
                    [UpdateMonthIndex.JsonColumn] = JsonSerializer.Serialize(u, HubJson.Options),
                    ["OccurredAt"] = u.OccurredAt,
                    ["StoredAt"] = u.ReceivedAt,
                    ["Late"] = false,
                })),
                ct);
            Interlocked.Increment(ref count);
        });

        // The shape CollaborationStore gives a collaboration (one partition each, so no batches across them).
        var collaborations = await storage.TableAsync(HubStorage.CollaborationsTable);
        await Parallel.ForEachAsync(scenario.Collaborations, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
            await collaborations.SubmitTransactionAsync(
                c.Members.Select(m => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(c.Id, "m-" + m.Organisation) { ["Organisation"] = m.Organisation, ["Since"] = m.Since }))
                .Prepend(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(c.Id, "c")
                {
                    ["Version"] = 2,
                    ["Name"] = c.Name,
                    ["Owner"] = c.Owner,
                    ["Public"] = true,
                    ["Area"] = c.Area,
                    ["Status"] = c.Status,
                    ["FirstActivity"] = c.FirstActivity,
                    ["LastActivity"] = c.LastActivity,
                    ["MemberCount"] = c.Members.Count,
                    ["UpdateCount"] = c.UpdateCount,
                    ["LastSequence"] = (long)c.UpdateCount,
                })),
                ct));

        // Partners through their store, so the entity shape is the store's own.
        await Parallel.ForEachAsync(scenario.Partners, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, ct) =>
        {
            if (!await partners.TryAddAsync(p, ct))
            {
                throw new InvalidOperationException($"Partner {p.Id} exists already.");
            }
        });

        return count;
    }

    private static async Task<Measurement> MeasureAsync(Func<Task<(int Count, string What)>> body)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = before;
        var peakWorkingSet = Process.GetCurrentProcess().WorkingSet64;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, now);
                }

                self.Refresh();
                if (self.WorkingSet64 > Interlocked.Read(ref peakWorkingSet))
                {
                    Interlocked.Exchange(ref peakWorkingSet, self.WorkingSet64);
                }

                await Task.Delay(10);
            }
        });
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var (_, what) = await body();
        watch.Stop();
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / 1024.0;
        await sampling.CancelAsync();
        await sampler;
        return new Measurement(watch.Elapsed, allocatedMb, (Interlocked.Read(ref peak) - before) / 1024.0 / 1024.0, Interlocked.Read(ref peakWorkingSet) / 1024.0 / 1024.0, what);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The month's rows in batches of up to 100 of one day's partition, a few days' worth held at a time.</summary>
    private static IEnumerable<List<NormalisedUpdate>> Batches(IEnumerable<NormalisedUpdate> updates)
    {
        var open = new Dictionary<string, List<NormalisedUpdate>>(StringComparer.Ordinal);
        foreach (var update in updates)
        {
            var day = UpdateMonthIndex.Partition(update.OccurredAt);
            if (!open.TryGetValue(day, out var batch))
            {
                open.Add(day, batch = new List<NormalisedUpdate>(100));
            }

            batch.Add(update);
            if (batch.Count == 100)
            {
                open.Remove(day);
                yield return batch;
            }
        }

        foreach (var batch in open.Values)
        {
            yield return batch;
        }
    }

    private sealed record Measurement(TimeSpan Elapsed, double AllocatedMb, double PeakMb, double PeakWorkingSetMb, string What)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,7:F2} s, {AllocatedMb,7:F0} MB allocated, peak heap +{PeakMb:F0} MB, working set {PeakWorkingSetMb:F0} MB: {What}");
    }
}

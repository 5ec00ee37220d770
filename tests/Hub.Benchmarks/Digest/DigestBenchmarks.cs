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
/// <c>dotnet run -c Release --project tests/Hub.Benchmarks -- digest [--updates 100000] [--partners 1000] [--iterations 3]</c>.
/// Seeds an in-memory Azurite with a month of <see cref="DigestLoad"/> (updates in <c>UpdatesByDay</c> in batches of
/// 100 per day partition, collaborations, partners, in the stores' entity shapes), then measures, interleaved:
/// (a) <b>read</b>: only reading the month's updates through <see cref="UpdateStore.ReceivedBetweenAsync"/>;
/// (b) <b>compose</b>: every partner's digest from Azurite through <see cref="TableDigestSource"/>: the month index
/// (updates, catalogue, likeness), then compose and render per partner as the runner does, without sending.
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
        var hubOptions = Options.Create(new HubOptions { AdminKey = "benchmark-admin-key-0000" });
        var storage = new HubStorage(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString), hubOptions, configuration);
        var updateStore = new UpdateStore(storage, NullLogger<UpdateStore>.Instance);
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

        var seeding = Stopwatch.StartNew();
        var scenario = DigestLoad.Generate(updates, partners, seed: 2026);
        await SeedAsync(storage, partnerStore, scenario);
        for (var i = 0; i < 2; i++)
        {
            // The index's own CPU cost, with no storage: what the read has to hide.
            var inMemory = Stopwatch.StartNew();
            var built = DigestMonthIndex.Build(month.Period, scenario.Collaborations, scenario.Updates);
            Console.WriteLine($"index in memory (no storage): {inMemory.Elapsed.TotalSeconds:F2} s for {built.UpdateCount:N0} updates");
        }

        Console.WriteLine($"Seeded {updates:N0} updates, {partners:N0} partners in {seeding.Elapsed.TotalSeconds:F1} s.");

        async Task<(int, string)> ReadAsync()
        {
            var count = 0;
            await foreach (var update in updateStore.ReceivedBetweenAsync(month.Period.From, month.Period.To, CancellationToken.None))
            {
                count++;
            }

            return (count, $"{count:N0} updates");
        }

        async Task<(int, string)> ComposeAsync()
        {
            var phase = Stopwatch.StartNew();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var index = await DigestMonthIndex.BuildAsync(source, month, CancellationToken.None);
            var indexed = phase.Elapsed;
            var indexAllocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024 / 1024;
            TimeSpan composing;
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

            composing = phase.Elapsed - indexed;
            return (index.UpdateCount, $"index {indexed.TotalSeconds:F2} s ({indexAllocated:N0} MB) + compose and render {composing.TotalSeconds:F2} s (DigestPipeline, every core); {index.UpdateCount:N0} updates, {digests:N0} digests, {suggestions / Math.Max(1, digests):N1} suggestions each, {characters / Math.Max(1, digests) / 1024:N0} K chars each");
        }

        var read = new List<Measurement>();
        var compose = new List<Measurement>();
        for (var i = 0; i <= iterations; i++)
        {
            var label = i == 0 ? "warm-up" : $"#{i}";
            var a = await MeasureAsync(ReadAsync);
            var b = await MeasureAsync(ComposeAsync);
            Console.WriteLine($"{label,-8} read {a}");
            Console.WriteLine($"{label,-8} compose {b}  ({b.Elapsed.TotalSeconds / a.Elapsed.TotalSeconds:F2}x)");
            if (i > 0)
            {
                read.Add(a);
                compose.Add(b);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{updates:N0} updates, {partners:N0} partners, {iterations} iterations after a warm-up, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| Step | Mean | Min | Max | Ratio | Allocated | Peak heap growth |");
        Console.WriteLine("|------|-----:|----:|----:|------:|----------:|-----------------:|");
        var baseline = read.Average(m => m.Elapsed.TotalSeconds);
        foreach (var (name, list) in new[] { ("(a) read the month (ReceivedBetweenAsync)", read), ("(b) compose every digest from Azurite", compose) })
        {
            var mean = list.Average(m => m.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {mean:F2} s | {list.Min(m => m.Elapsed.TotalSeconds):F2} s | {list.Max(m => m.Elapsed.TotalSeconds):F2} s | {mean / baseline:F2} | {list.Average(m => m.AllocatedMb):F0} MB | {list.Max(m => m.PeakMb):F0} MB |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MB");
        return 0;
    }

    private static async Task SeedAsync(HubStorage storage, PartnerStore partners, DigestLoadScenario scenario)
    {
        var byDay = await storage.TableAsync(HubStorage.UpdatesByDayTable);
        var batches = scenario.Updates
            .GroupBy(u => UpdateStore.DayPartition(u.ReceivedAt))
            .SelectMany(day => day.Chunk(100))
            .ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
            await byDay.SubmitTransactionAsync(
                batch.Select(u => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(UpdateStore.DayPartition(u.ReceivedAt), u.Id)
                {
                    ["Json"] = JsonSerializer.Serialize(u, HubJson.Options),
                    ["ReceivedAt"] = u.ReceivedAt,
                })),
                ct));

        // The shape UpdateStore gives a collaboration (one partition each, so no batches).
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
    }

    private static async Task<Measurement> MeasureAsync(Func<Task<(int Count, string What)>> body)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, now);
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
        return new Measurement(watch.Elapsed, allocatedMb, (Interlocked.Read(ref peak) - before) / 1024.0 / 1024.0, what);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Measurement(TimeSpan Elapsed, double AllocatedMb, double PeakMb, string What)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,7:F2} s, {AllocatedMb,7:F0} MB allocated, peak heap +{PeakMb:F0} MB: {What}");
    }
}

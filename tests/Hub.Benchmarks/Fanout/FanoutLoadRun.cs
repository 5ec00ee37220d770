using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Mellanrum.Hub.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Benchmarks.Fanout;

/// <summary>
/// The fan-out load run (issue 4's benchmark): Azurite in memory and Hub.Local in-process, N updates posted over HTTP,
/// each routed to 5 partners with a storage-queue channel, measured until every partner queue holds every event, beside
/// the raw Azurite queue send rate measured in the same run.
/// <code>dotnet run -c Release --project tests/Hub.Benchmarks -- fanout --updates 2000 [--concurrency 32] [--collaborations 64] [--docs false] [--label text]</code>
/// </summary>
public static class FanoutLoadRun
{
    public const string AdminKey = "load-run-admin-key-0123456789abcdef";
    public const string SectionTitle = "## Fan-out (end to end)";
    private static readonly string[] PartnerOrganisations = ["0138", "0127", "0136", "0180", "0181"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadRunOptions.Parse(args);
        var root = AzuriteProcess.FindRepositoryRoot();
        Console.WriteLine($"Fan-out load run: {options.Updates} updates, {options.Concurrency} in flight, {options.Collaborations} collaborations, 5 queue partners");

        await using var azurite = await AzuriteProcess.StartAsync(root, dataFolder: null);
        using var counter = new StorageOperationCounter(azurite.QueuePort, azurite.TablePort);
        var port = AzuriteProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var app = await HubLocalHost.BuildAsync(["--urls", baseAddress.ToString().TrimEnd('/')], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Hub:AdminKey"] = AdminKey,
                ["Hub:Ingest:RatePerSecond"] = "0",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(120),
            };

            var raw = await MeasureRawSendsAsync(azurite.ConnectionString, options);
            Console.WriteLine($"Raw Azurite queue sends: {raw:F0} messages/s");
            var rawTable = await MeasureRawUpsertsAsync(azurite.ConnectionString, options);
            Console.WriteLine($"Raw Azurite table upserts (for reference): {rawTable:F0} entities/s");

            var (sourceKey, partnerQueues) = await RegisterAsync(http, azurite.ConnectionString);
            var result = await RunFanoutAsync(http, sourceKey, partnerQueues, options, counter);
            var report = new LoadRunReport(options, raw, result, Label(options, root), Machine());
            var table = report.Table();
            Console.WriteLine();
            Console.WriteLine(table);
            if (options.WriteDocs)
            {
                PerformanceDoc.WriteSection(Path.Combine(root, "docs", "performance.md"), report);
                Console.WriteLine("Written to docs/performance.md, section \"Fan-out (end to end)\".");
            }

            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Raw Azurite storage-queue send rate: ~1 KB messages, the same concurrency as the posts, after a warm-up.</summary>
    private static async Task<double> MeasureRawSendsAsync(string connectionString, LoadRunOptions options)
    {
        var queue = new QueueClient(connectionString, "load-run-baseline");
        await queue.CreateIfNotExistsAsync();
        var message = new string('x', 1024);
        await RunConcurrentlyAsync(200, options.Concurrency, _ => queue.SendMessageAsync(message));
        var count = Math.Max(2000, options.Updates * 2);
        var watch = Stopwatch.StartNew();
        await RunConcurrentlyAsync(count, options.Concurrency, _ => queue.SendMessageAsync(message));
        var rate = count / watch.Elapsed.TotalSeconds;
        await queue.DeleteAsync();
        return rate;
    }

    /// <summary>For reference: raw Azurite table upserts of ~1 KB entities, each its own partition, the same concurrency.</summary>
    private static async Task<double> MeasureRawUpsertsAsync(string connectionString, LoadRunOptions options)
    {
        var table = new Azure.Data.Tables.TableClient(connectionString, "loadrunbaseline");
        await table.CreateIfNotExistsAsync();
        var json = new string('x', 1024);
        Task Upsert(int i) => table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p" + i.ToString(CultureInfo.InvariantCulture), "u") { ["Json"] = json });
        await RunConcurrentlyAsync(200, options.Concurrency, i => Upsert(-i - 1));
        var count = Math.Max(2000, options.Updates * 2);
        var watch = Stopwatch.StartNew();
        await RunConcurrentlyAsync(count, options.Concurrency, Upsert);
        var rate = count / watch.Elapsed.TotalSeconds;
        await table.DeleteAsync();
        return rate;
    }

    private static async Task<(string SourceKey, IReadOnlyList<QueueClient> Queues)> RegisterAsync(HttpClient http, string connectionString)
    {
        var source = await SendAdminAsync(http, "/api/v1/admin/sources/load-run", new { organisation = "0182", name = "Load run" });
        var key = source.GetProperty("key").GetString()!;
        var queues = new List<QueueClient>();
        for (var i = 0; i < PartnerOrganisations.Length; i++)
        {
            var id = $"load-partner-{i + 1}";
            await SendAdminAsync(http, $"/api/v1/admin/partners/{id}", new { organisation = PartnerOrganisations[i], channels = new[] { new { type = "queue" } } });
            queues.Add(new QueueClient(connectionString, "partner-" + id));
        }

        return (key, queues);
    }

    private static async Task<JsonElement> SendAdminAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path} answered {(int)response.StatusCode}: {json}");
        }

        return json;
    }

    private static async Task<FanoutResult> RunFanoutAsync(HttpClient http, string sourceKey, IReadOnlyList<QueueClient> queues, LoadRunOptions options, StorageOperationCounter counter)
    {
        var seen = queues.Select(_ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal)).ToArray();
        using var stop = new CancellationTokenSource();
        var consumers = queues.Select((q, i) => ConsumeAsync(q, seen[i], stop.Token)).ToArray();

        // Warm-up: JIT, connection pools, tables and queues created; its events are ignored below.
        var warmUp = options.Concurrency * 2;
        var warmIds = new string[warmUp];
        await RunConcurrentlyAsync(warmUp, options.Concurrency, async i => warmIds[i] = (await PostAsync(http, sourceKey, $"WARM-{i}", $"load-warm-{i % options.Collaborations}", i)).Id);
        await WaitAllSeenAsync(seen, warmIds, TimeSpan.FromMinutes(2));

        var posts = new (string Id, long Start)[options.Updates];
        counter.Start();
        var started = Stopwatch.GetTimestamp();
        await RunConcurrentlyAsync(options.Updates, options.Concurrency, async i => posts[i] = await PostAsync(http, sourceKey, $"LOAD-{i}", $"load-collab-{i % options.Collaborations}", i));
        var postedIn = Stopwatch.GetElapsedTime(started);
        await WaitAllSeenAsync(seen, posts.Select(p => p.Id).ToArray(), TimeSpan.FromMinutes(15));
        var operations = counter.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        Console.WriteLine("Storage requests during the measured part (the partner-queue GETs are the load run's own consumers):");
        Console.WriteLine(StorageOperationCounter.Format(operations, options.Updates));

        var lastSeen = posts.Select(p => seen.Max(s => s[p.Id])).ToArray();
        var latencies = posts.Select((p, i) => Stopwatch.GetElapsedTime(p.Start, lastSeen[i]).TotalMilliseconds).Order().ToArray();
        var total = Stopwatch.GetElapsedTime(started, lastSeen.Max());
        return new FanoutResult(options.Updates, postedIn, total, latencies);
    }

    private static async Task<(string Id, long Start)> PostAsync(HttpClient http, string key, string externalId, string collaboration, int i)
    {
        var body = JsonSerializer.Serialize(new
        {
            externalId,
            collaboration,
            kind = "decision",
            title = "Beslut om gemensam upphandling av e-arkiv, del " + i.ToString(CultureInfo.InvariantCulture),
            summary = "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen av e-arkiv tillsammans med grannkommunerna.",
            status = "active",
            area = "digitalisering",
            participants = PartnerOrganisations,
            occurredAt = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i).ToString("O", CultureInfo.InvariantCulture),
            links = new[] { new { title = "Protokoll", url = "https://www.nacka.se/protokoll/ks-2026-03-19" } },
            tags = new[] { "e-arkiv", "upphandling" },
        });
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sources/load-run/updates") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST {externalId} answered {(int)response.StatusCode}: {answer}");
        }

        return (answer.GetProperty("id").GetString()!, start);
    }

    /// <summary>
    /// A partner's consumer, as a partner runs one: receives up to 32 at a time, notes when each event is first seen, and
    /// deletes them. (Deleting matters on Azurite: every receive scans every message of every queue, so a queue left full
    /// slows every other queue's receives, the hub's own <c>fanout</c> queue among them.)
    /// </summary>
    private static async Task ConsumeAsync(QueueClient queue, ConcurrentDictionary<string, long> seen, CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value;
                var now = Stopwatch.GetTimestamp();
                foreach (var message in messages)
                {
                    using var e = JsonDocument.Parse(message.MessageText);
                    seen.TryAdd(e.RootElement.GetProperty("id").GetString()!, now);
                }

                await Task.WhenAll(messages.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, CancellationToken.None)));
                if (messages.Length < 32)
                {
                    await Task.Delay(25, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task WaitAllSeenAsync(ConcurrentDictionary<string, long>[] seen, string[] ids, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!seen.All(s => ids.All(s.ContainsKey)))
        {
            if (watch.Elapsed > timeout)
            {
                var missing = seen.Select(s => ids.Count(id => !s.ContainsKey(id)));
                throw new TimeoutException($"Not every partner queue held every event after {timeout}: missing per partner {string.Join(", ", missing)}.");
            }

            await Task.Delay(20);
        }
    }

    private static async Task RunConcurrentlyAsync(int count, int concurrency, Func<int, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await action(i);
            }
        }));
    }

    private static string Label(LoadRunOptions options, string root)
    {
        if (options.Label is { } label)
        {
            return label;
        }

        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(cpu is null ? string.Empty : $" ({cpu})")}, .NET {Environment.Version}, Azurite in memory in the same machine";
    }
}

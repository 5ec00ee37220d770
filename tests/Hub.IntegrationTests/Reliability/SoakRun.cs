using System.Diagnostics;
using System.Globalization;
using Mellanrum.Hub.Delivery.Chaos;
using Mellanrum.Hub.Local;
using Mellanrum.Hub.ServiceBusBroker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// The soak (issue 11, item 10): Hub.Local in process on an in-memory Azurite, with a Service Bus namespace (the in-test
/// AMQP broker), N updates posted by a signed source, each routed to five partners (three storage queues, three Service
/// Bus queues, two webhooks), with <c>Hub:Chaos</c> faults and latency in every client of the hub (Table Storage, storage
/// queues, Service Bus sends, webhook requests). Faults are switched on once the partners are registered and stay on
/// until the hub is quiet. Then each stage is checked from outside: answered (the source's own record), stored (the
/// hub's tables, read directly), delivered (what each partner's consumer saw, by CloudEvent id).
/// <code>MELLANRUM_SOAK="--updates 10000" dotnet test tests/Hub.IntegrationTests -c Release --filter "FullyQualifiedName~SoakTests.Soak_"</code>
/// </summary>
internal static class SoakRun
{
    public const string AdminKey = "soak-admin-key-0123456789abcdef";

    public static async Task<SoakResult> RunAsync(SoakOptions options, Action<string> log, CancellationToken cancellationToken = default)
    {
        var root = AzuriteProcess.FindRepositoryRoot();
        await using var azurite = await AzuriteProcess.StartAsync(root, dataFolder: null, cancellationToken: cancellationToken);
        await using var broker = await TestServiceBusBroker.StartAsync();
        foreach (var queue in SoakWorld.ServiceBusQueues)
        {
            broker.CreateQueue(queue);
        }

        var data = Directory.CreateTempSubdirectory("mellanrum-soak-").FullName;
        var logs = new LogCounter();
        var chaos = new ChaosSwitch();
        var baseAddress = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var app = await HubLocalHost.BuildAsync(["--urls", baseAddress.ToString().TrimEnd('/')], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(options, azurite.ConnectionString, broker.ConnectionString, data));
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        app.Services.GetRequiredService<HubChaos>().Randomizer = chaos.Draw;
        await app.StartAsync(cancellationToken);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await using var world = new SoakWorld(http, AdminKey, azurite.ConnectionString, broker);
            await world.RegisterAsync(cancellationToken);
            log($"Soak: {options.Updates} updates, {options.Concurrency} in flight, faults {options.FaultRate:P0}, latency {options.LatencyRate:P0} of {options.Latency.TotalSeconds:0.#} s");
            chaos.On = true;
            var run = await DriveAsync(world, options, _ => Task.CompletedTask, log, cancellationToken);
            chaos.On = false;
            var (faults, latencies, outcomes) = app.Services.GetRequiredService<HubChaos>().Injected;
            return run.Result(options, logs, new ChaosFigures(faults, latencies, outcomes), []);
        }
        finally
        {
            chaos.On = false;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>What a drive measured, before the figures of the hub's own log are added.</summary>
    internal sealed record Drive(IReadOnlyList<PostOutcome> Posts, StoredFigures Stored, IReadOnlyList<InboxFigures> Inboxes, TimeSpan Posted, TimeSpan Delivered, TimeSpan Quiet)
    {
        public SoakResult Result(SoakOptions options, IHubLogFigures logs, ChaosFigures? chaos, IReadOnlyList<string> events) =>
            new(options, Posts, Stored, Inboxes, Posted, Delivered, Quiet, logs, chaos, events);
    }

    /// <summary>
    /// Posts every update (<paramref name="afterPost"/> sees how many are answered so far, for a drill to act on), waits
    /// until every partner channel holds every accepted update and the hub is quiet, then reads what it stored.
    /// </summary>
    internal static async Task<Drive> DriveAsync(SoakWorld world, SoakOptions options, Func<int, Task> afterPost, Action<string> log, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var posts = new PostOutcome[options.Updates];
        var done = 0;
        using var progress = new Timer(_ => log($"  {watch.Elapsed.TotalSeconds:F0} s: {Volatile.Read(ref done)} posted; partners hold {string.Join(", ", world.Inboxes.Select(i => i.Distinct.ToString(CultureInfo.InvariantCulture)))}"), null, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20));
        await SoakWorld.RunConcurrentlyAsync(options.Updates, options.Concurrency, async i =>
        {
            posts[i] = await world.PostAsync(i, options.Collaborations, TimeSpan.FromMinutes(5), cancellationToken);
            await afterPost(Interlocked.Increment(ref done));
            world.PumpWebhooks();
        });
        var posted = watch.Elapsed;
        var accepted = posts.Where(p => p.Accepted).Select(p => p.Id!).ToHashSet(StringComparer.Ordinal);

        await SoakWorld.WaitForAsync(
            () =>
            {
                world.PumpWebhooks();
                return Task.FromResult(world.Inboxes.All(inbox => accepted.All(inbox.Holds)));
            },
            options.Patience,
            async () => $"missing per channel {string.Join(", ", world.Inboxes.Select(i => $"{i.PartnerId}/{i.Channel} {accepted.Count(id => !i.Holds(id))}"))}; {(await SoakAudit.QuietAsync(world.Storage, cancellationToken)).State}",
            cancellationToken);
        var delivered = watch.Elapsed;

        await SoakWorld.WaitForAsync(
            async () =>
            {
                world.PumpWebhooks();
                return (await SoakAudit.QuietAsync(world.Storage, cancellationToken)).Quiet && await world.UnreadAsync(cancellationToken) == 0;
            },
            options.Patience,
            async () => $"{(await SoakAudit.QuietAsync(world.Storage, cancellationToken)).State}, unread at partners {await world.UnreadAsync(cancellationToken)}",
            cancellationToken);
        var quiet = watch.Elapsed;
        world.PumpWebhooks();

        var stored = await SoakAudit.ReadAsync(world.Storage, posts, started, DateTimeOffset.UtcNow, cancellationToken);
        var sequences = await SoakAudit.SequencesAsync(world.Storage, cancellationToken);
        return new Drive(posts, stored, InboxFigures.Of(world.Inboxes, accepted, sequences), posted, delivered, quiet);
    }

    /// <summary>
    /// The hub's settings for the soak: chaos in every client; loopback webhooks allowed; ingest rates off (one source
    /// posts as fast as it can); the retry waits a second apart instead of 5 s to 10 h, so that a retried delivery ends
    /// within the run; the fan-out's grace and sweep as in production.
    /// </summary>
    internal static Dictionary<string, string?> Settings(SoakOptions options, string storage, string serviceBus, string data)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["ServiceBus"] = serviceBus,
            ["Hub:AdminKey"] = AdminKey,
            ["Hub:Ingest:RatePerSecond"] = "0",
            ["Hub:Ingest:PerAddressRatePerSecond"] = "0",
            ["Hub:Webhooks:AllowPrivateTargets"] = "true",
            ["Hub:Chaos:FaultRate"] = options.FaultRate.ToString(CultureInfo.InvariantCulture),
            ["Hub:Chaos:LatencyRate"] = options.LatencyRate.ToString(CultureInfo.InvariantCulture),
            ["Hub:Chaos:Latency"] = options.Latency.ToString("c", CultureInfo.InvariantCulture),
            ["Local:DataFolder"] = data,
            ["Hub:Smtp:OutboxPath"] = Path.Combine(data, "outbox"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < 7; i++)
        {
            settings[$"Hub:Webhooks:RetryWaits:{i}"] = "00:00:01";
        }

        return settings;
    }

    /// <summary>Chaos on or off at run time: the hub's chaos pipelines draw through <see cref="Draw"/>, which never injects while off.</summary>
    private sealed class ChaosSwitch
    {
        private volatile bool _on;

        public bool On
        {
            get => _on;
            set => _on = value;
        }

        public double Draw() => _on ? Random.Shared.NextDouble() : 1.0;
    }
}

using System.Diagnostics;
using System.Globalization;
using Mellanrum.Hub.Local;
using Mellanrum.Hub.ServiceBusBroker;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// The kill drill (issue 11, "kills"): the soak's world around Hub.Local running as its own process on Azurite, with the
/// same chaos in every client, SIGKILLed <c>kills</c> times while updates are posted (at even shares
/// of the run) and started again on the same port at once. The source keeps retrying what got no answer, as a source
/// does; the same audit as the soak follows.
/// <para>
/// Two settings make the recovery fit a test: <c>Local:QueueLease</c> 1 minute (a message a killed hub had taken comes
/// back after it; by default 5 min 10 s), and the fan-out sweep every 20 s with a grace of 1 minute (by default every 2
/// minutes with 2 minutes' grace) for an update stored just before a kill whose fan-out was never queued.
/// </para>
/// </summary>
internal static class KillRun
{
    /// <summary>The hub process SIGKILLed <paramref name="kills"/> times and started again at once on the same port.</summary>
    public static Task<SoakResult> RunAsync(SoakOptions options, int kills, Action<string> log, CancellationToken cancellationToken = default) =>
        DrillAsync(options, kills, dataFolder: null, log, async (drill, answered, at, hub, _) =>
        {
            await hub.KillAsync();
            var restart = await hub.StartAsync(cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"Kill {drill}: SIGKILL at {at.TotalSeconds:F0} s with {answered:N0} of {options.Updates:N0} answered and {options.Concurrency} posts in flight; started again in {restart.TotalSeconds:F1} s.");
        }, cancellationToken);

    /// <summary>
    /// The storage account gone for <paramref name="outage"/>, <paramref name="outages"/> times: Azurite on disk stopped
    /// (SIGTERM, so that it saves what it acknowledged: a SIGKILL loses up to its last 5 s of acknowledged writes, which
    /// Azure Storage never does) and started again on the same ports and folder, while the hub runs on.
    /// </summary>
    public static Task<SoakResult> StorageOutageAsync(SoakOptions options, int outages, TimeSpan outage, Action<string> log, CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("mellanrum-azurite-").FullName;
        return DrillAsync(options, outages, folder, log, async (drill, answered, at, _, storage) =>
        {
            var watch = Stopwatch.StartNew();
            await storage.RestartAsync(outage, cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"Outage {drill}: storage stopped at {at.TotalSeconds:F0} s with {answered:N0} of {options.Updates:N0} answered and {options.Concurrency} posts in flight; serving again after {watch.Elapsed.TotalSeconds:F1} s.");
        }, cancellationToken);
    }

    private static async Task<SoakResult> DrillAsync(
        SoakOptions options,
        int drills,
        string? dataFolder,
        Action<string> log,
        Func<int, int, TimeSpan, HubProcess, Storage, Task<string>> act,
        CancellationToken cancellationToken)
    {
        var root = AzuriteProcess.FindRepositoryRoot();
        await using var storage = await Storage.StartAsync(root, dataFolder, cancellationToken);
        await using var broker = await TestServiceBusBroker.StartAsync();
        foreach (var queue in SoakWorld.ServiceBusQueues)
        {
            broker.CreateQueue(queue);
        }

        var data = Directory.CreateTempSubdirectory("mellanrum-kill-").FullName;
        var settings = SoakRun.Settings(options, storage.ConnectionString, broker.ConnectionString, data);
        settings["Local:QueueLease"] = "00:01:00";
        settings["Hub:Fanout:Grace"] = "00:01:00";
        settings["HubFanoutSweepSchedule"] = "*/20 * * * * *";
        var baseAddress = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var events = new List<string>();
        try
        {
            await using var hub = new HubProcess(baseAddress, settings, log);
            var firstStart = await hub.StartAsync(cancellationToken);
            log(string.Create(CultureInfo.InvariantCulture, $"The hub's first start took {firstStart.TotalSeconds:F1} s."));
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await using var world = new SoakWorld(http, SoakRun.AdminKey, storage.ConnectionString, broker);
            await world.RegisterAsync(cancellationToken);
            log($"Drill: {options.Updates} updates, {drills} drill(s), {options.Concurrency} in flight, faults {options.FaultRate:P0}, latency {options.LatencyRate:P0} of {options.Latency.TotalSeconds:0.#} s");

            // The k-th drill when k/(drills+1) of the updates are answered; one drill at a time.
            var next = 1;
            var gate = new SemaphoreSlim(1, 1);
            var watch = Stopwatch.StartNew();
            var run = await SoakRun.DriveAsync(
                world,
                options,
                async answered =>
                {
                    if (next > drills || answered < options.Updates * next / (drills + 1) || !await gate.WaitAsync(0, cancellationToken))
                    {
                        return;
                    }

                    try
                    {
                        if (next > drills || answered < options.Updates * next / (drills + 1))
                        {
                            return;
                        }

                        events.Add(await act(next, answered, watch.Elapsed, hub, storage));
                        next++;
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                log,
                cancellationToken);
            return run.Result(options, hub, null, events);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            if (dataFolder is not null)
            {
                Directory.Delete(dataFolder, recursive: true);
            }
        }
    }

    /// <summary>Azurite that a drill may stop and start again on the same ports (and, on disk, the same folder).</summary>
    internal sealed class Storage : IAsyncDisposable
    {
        private readonly string _root;
        private readonly string? _folder;
        private AzuriteProcess _azurite;

        private Storage(string root, string? folder, AzuriteProcess azurite) => (_root, _folder, _azurite) = (root, folder, azurite);

        public string ConnectionString => _azurite.ConnectionString;

        public static async Task<Storage> StartAsync(string root, string? folder, CancellationToken cancellationToken) =>
            new(root, folder, await AzuriteProcess.StartAsync(root, folder, cancellationToken: cancellationToken));

        /// <summary>Stops Azurite (it saves first), stays away for <paramref name="outage"/>, starts it again where it was.</summary>
        public async Task RestartAsync(TimeSpan outage, CancellationToken cancellationToken)
        {
            var (blob, queue, table) = (_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
            await _azurite.DisposeAsync();
            await Task.Delay(outage, cancellationToken);
            _azurite = await AzuriteProcess.StartAsync(_root, _folder, blob, queue, table, cancellationToken);
        }

        public ValueTask DisposeAsync() => _azurite.DisposeAsync();
    }
}

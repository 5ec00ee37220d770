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
    public static async Task<SoakResult> RunAsync(SoakOptions options, int kills, Action<string> log, CancellationToken cancellationToken = default)
    {
        var root = AzuriteProcess.FindRepositoryRoot();
        await using var azurite = await AzuriteProcess.StartAsync(root, dataFolder: null, cancellationToken: cancellationToken);
        await using var broker = await TestServiceBusBroker.StartAsync();
        foreach (var queue in SoakWorld.ServiceBusQueues)
        {
            broker.CreateQueue(queue);
        }

        var data = Directory.CreateTempSubdirectory("mellanrum-kill-").FullName;
        var settings = SoakRun.Settings(options, azurite.ConnectionString, broker.ConnectionString, data);
        settings["Local:QueueLease"] = "00:01:00";
        settings["Hub:Fanout:Grace"] = "00:01:00";
        settings["HubFanoutSweepSchedule"] = "*/20 * * * * *";
        var baseAddress = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var events = new List<string>();
        try
        {
            await using var hub = new HubProcess(baseAddress, settings, log);
            var firstStart = await hub.StartAsync(cancellationToken);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await using var world = new SoakWorld(http, SoakRun.AdminKey, azurite.ConnectionString, broker);
            await world.RegisterAsync(cancellationToken);
            log($"Kill drill: {options.Updates} updates, {kills} kill(s), {options.Concurrency} in flight, faults {options.FaultRate:P0}, latency {options.LatencyRate:P0} of {options.Latency.TotalSeconds:0.#} s");

            // The k-th kill when k/(kills+1) of the updates are answered; one drill at a time.
            var next = 1;
            var drill = new SemaphoreSlim(1, 1);
            var watch = Stopwatch.StartNew();
            var run = await SoakRun.DriveAsync(
                world,
                options,
                async answered =>
                {
                    if (next > kills || answered < options.Updates * next / (kills + 1) || !await drill.WaitAsync(0, cancellationToken))
                    {
                        return;
                    }

                    try
                    {
                        if (next > kills || answered < options.Updates * next / (kills + 1))
                        {
                            return;
                        }

                        var at = watch.Elapsed;
                        await hub.KillAsync();
                        var restart = await hub.StartAsync(cancellationToken);
                        events.Add(string.Create(CultureInfo.InvariantCulture, $"Kill {next}: SIGKILL at {at.TotalSeconds:F0} s with {answered:N0} of {options.Updates:N0} answered and {options.Concurrency} posts in flight; started again in {restart.TotalSeconds:F1} s (the first start took {firstStart.TotalSeconds:F1} s)."));
                        next++;
                    }
                    finally
                    {
                        drill.Release();
                    }
                },
                log,
                cancellationToken);
            return run.Result(options, hub, null, events);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

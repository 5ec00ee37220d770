using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mellanrum.Hub.Local;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// What running the worker costs against Hub.Local's reflection: start to ready, and one HTTP request through each.
/// Measured and printed, never asserted (the figures in docs/architecture.md come from here); only the answers are.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class CostTests(WorkerFixture fixture, ITestOutputHelper output)
{
    private const int Requests = 200;

    [Fact]
    public async Task StartToReady_OfEachHost_IsReported()
    {
        // A fresh pair, started as the fixture starts one: the worker's StartToReady, Hub.Local in-process; then each one's first answer.
        await using var pair = await HostPair.StartAsync("cost", fixture.Azurite, fixture.Settings, fixture.Outbox, fixture.Loggers);
        var workerFirst = await FirstAnswerAsync(async () =>
        {
            using var response = await pair.Worker.InvokeHttpAsync("GetHealth", HostPair.Request(HttpMethod.Get, "/api/v1/health"));
            return response.StatusCode;
        });
        var localFirst = await FirstAnswerAsync(async () =>
        {
            using var response = await pair.LocalClient.SendAsync(HostPair.Request(HttpMethod.Get, "/api/v1/health"));
            return response.StatusCode;
        });

        // Hub.Local as its own process (dotnet Mellanrum.Hub.Local.dll), as a person runs it: start to its first answer.
        var (localProcessFirstAnswer, localProcessId) = await HubLocalProcessFirstAnswerAsync();

        output.WriteLine("| host | start | to | ms |");
        output.WriteLine("| --- | --- | --- | --- |");
        output.WriteLine($"| worker (fixture) | process start | every function loaded (StartToReady) | {fixture.Worker.StartToReady.TotalMilliseconds:F0} |");
        output.WriteLine($"| worker (fixture pair) | process start | every function loaded (StartToReady) | {fixture.Pair.Worker.StartToReady.TotalMilliseconds:F0} |");
        output.WriteLine($"| worker (fresh) | process start | every function loaded (StartToReady) | {pair.Worker.StartToReady.TotalMilliseconds:F0} |");
        output.WriteLine($"| worker (fresh) | process start | first health answer (StartToReady + first request) | {(pair.Worker.StartToReady + workerFirst).TotalMilliseconds:F0} |");
        output.WriteLine($"| Hub.Local in-process (fixture) | BuildAsync | Kestrel listening | {fixture.HubLocalStart.TotalMilliseconds:F0} |");
        output.WriteLine($"| Hub.Local in-process (fixture pair) | BuildAsync | Kestrel listening | {fixture.Pair.LocalStart.TotalMilliseconds:F0} |");
        output.WriteLine($"| Hub.Local in-process (fresh) | BuildAsync | Kestrel listening | {pair.LocalStart.TotalMilliseconds:F0} |");
        output.WriteLine($"| Hub.Local in-process (fresh) | BuildAsync | first health answer | {(pair.LocalStart + localFirst).TotalMilliseconds:F0} |");
        output.WriteLine($"| Hub.Local process {localProcessId} | process start | first health answer | {localProcessFirstAnswer.TotalMilliseconds:F0} |");
    }

    [Fact]
    public async Task OneRequest_ThroughEachHost_IsReported()
    {
        var pair = fixture.Pair;
        var scenario = await pair.ScenarioAsync();
        var cases = new (string Function, string Path, string What)[]
        {
            ("GetApiInfo", "/api/v1/api-info", "no storage"),
            ("GetUpdate", $"/api/v1/updates/{scenario.UpdateId}", "one table read"),
        };

        output.WriteLine($"| request ({Requests} in a row, after 20 to warm up) | worker median / p95 ms | Hub.Local median / p95 ms |");
        output.WriteLine("| --- | --- | --- |");
        foreach (var (function, path, what) in cases)
        {
            var worker = await TimeAsync(async () =>
            {
                using var response = await pair.Worker.InvokeHttpAsync(function, HostPair.Request(HttpMethod.Get, path));
                return response.StatusCode;
            });
            var local = await TimeAsync(async () =>
            {
                using var response = await pair.LocalClient.SendAsync(HostPair.Request(HttpMethod.Get, path));
                return response.StatusCode;
            });
            output.WriteLine($"| GET {path.Split('/')[3]} ({what}) | {worker.Median:F2} / {worker.P95:F2} | {local.Median:F2} / {local.P95:F2} |");
        }
    }

    private static async Task<TimeSpan> FirstAnswerAsync(Func<Task<HttpStatusCode>> request)
    {
        var start = Stopwatch.GetTimestamp();
        Assert.Equal(HttpStatusCode.OK, await request());
        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task<(double Median, double P95)> TimeAsync(Func<Task<HttpStatusCode>> request)
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await request());
        }

        var times = new double[Requests];
        for (var i = 0; i < Requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Assert.Equal(HttpStatusCode.OK, await request());
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[Requests / 2], times[(int)(Requests * 0.95)]);
    }

    private async Task<(TimeSpan FirstAnswer, int ProcessId)> HubLocalProcessFirstAnswerAsync()
    {
        var port = AzuriteProcess.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "mellanrum-cost-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkerFixture.HubLocalDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(WorkerFixture.HubLocalDirectory, "Mellanrum.Hub.Local.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (name, value) in fixture.Settings)
        {
            info.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["Hub__TablePrefix"] = "costp";
        info.Environment["HubInboundQueue"] = "costp-inbound";
        info.Environment["HubFanoutQueue"] = "costp-fanout";
        info.Environment["HubDeliveriesQueue"] = "costp-deliveries";
        info.Environment["Hub__Smtp__OutboxPath"] = Path.Combine(data, "outbox");
        info.Environment["Local__DataFolder"] = data;

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Until.TrueAsync(
                async () =>
                {
                    Assert.False(process.HasExited, $"Hub.Local exited with code {(process.HasExited ? process.ExitCode : 0)}");
                    try
                    {
                        using var response = await client.GetAsync("/api/v1/health");
                        return response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "Hub.Local's first answer");
            return (watch.Elapsed, process.Id);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            output.WriteLine($"Hub.Local process {process.Id} stopped (exit {process.ExitCode.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}

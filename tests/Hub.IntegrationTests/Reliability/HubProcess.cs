using System.Diagnostics;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// The drills' hub: <see cref="HubLocalProcess"/> on storage and a Service Bus it is given, with its settings as
/// environment variables, started again on the same port after a kill; its log lines counted over every start.
/// </summary>
internal sealed class HubProcess(Uri baseAddress, IReadOnlyDictionary<string, string?> settings, Action<string> log) : IAsyncDisposable, IHubLogFigures
{
    private readonly List<HubLocalProcess> _ended = [];
    private HubLocalProcess? _process;

    public Uri BaseAddress => baseAddress;

    public int Starts { get; private set; }

    public int Warnings => _ended.Sum(p => p.Warnings) + (_process?.Warnings ?? 0);

    public int Errors => _ended.Sum(p => p.Errors) + (_process?.Errors ?? 0);

    public IReadOnlyList<string> FirstErrors => [.. _ended.Append(_process).OfType<HubLocalProcess>().SelectMany(p => p.FirstErrors).Take(10)];

    /// <summary>Starts the hub and waits for its banner (it listens, every poller and timer runs).</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _process = await HubLocalProcess.StartAsync(["--urls", baseAddress.ToString().TrimEnd('/')], settings, cancellationToken);
        Starts++;
        log($"  hub started (pid {_process.Process.Id}) in {watch.Elapsed.TotalSeconds:F1} s");
        return watch.Elapsed;
    }

    /// <summary>SIGKILL: no shutdown, no flush, whatever was in flight is cut off where it stood.</summary>
    public Task KillAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            log($"  hub killed (pid {process.Process.Id}, exit {process.Process.ExitCode})");
            _ended.Add(process);
            _process = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>SIGTERM, as an operator stops it; killed if it has not gone in 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await process.StopAsync(TimeSpan.FromSeconds(15));
            _ended.Add(process);
            _process = null;
        }

        foreach (var ended in _ended)
        {
            ended.Dispose();
        }
    }
}

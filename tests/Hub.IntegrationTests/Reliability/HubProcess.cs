using System.Collections.Concurrent;
using System.Diagnostics;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// Hub.Local as its own process, as an operator runs it (<c>dotnet Hub.Local.dll</c>), on storage and a Service Bus it
/// is given, with its settings as environment variables; started again on the same port after a kill. Its log lines are
/// counted, not printed: <c>warn:</c> and <c>fail:</c>, and the first few failures kept.
/// </summary>
internal sealed class HubProcess(Uri baseAddress, IReadOnlyDictionary<string, string?> settings, Action<string> log) : IAsyncDisposable, IHubLogFigures
{
    private readonly ConcurrentQueue<string> _failures = new();
    private Process? _process;
    private int _warnings;
    private int _errors;

    public Uri BaseAddress => baseAddress;

    public int Starts { get; private set; }

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errors);

    public IReadOnlyList<string> FirstErrors => [.. _failures];

    /// <summary>Starts the hub and waits for its banner (it listens, every poller and timer runs).</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AzuriteProcess.FindRepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(HubLocalHost).Assembly.Location);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start Hub.Local.");
        process.OutputDataReceived += (_, e) =>
        {
            switch (e.Data)
            {
                case null:
                    return;
                case var line when line.StartsWith("Press Ctrl-C to stop", StringComparison.Ordinal):
                    ready.TrySetResult();
                    break;
                case var line when line.StartsWith("warn:", StringComparison.Ordinal):
                    Interlocked.Increment(ref _warnings);
                    break;
                case var line when line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal):
                    if (Interlocked.Increment(ref _errors) <= 10)
                    {
                        _failures.Enqueue(line);
                    }

                    break;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && _failures.Count < 10)
            {
                _failures.Enqueue("stderr: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        log($"  hub started (pid {process.Id}) in {watch.Elapsed.TotalSeconds:F1} s");
        return watch.Elapsed;
    }

    /// <summary>SIGKILL: no shutdown, no flush, whatever was in flight is cut off where it stood.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        log($"  hub killed (pid {process.Id}, exit {process.ExitCode})");
        process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as an operator stops it; killed if it has not gone in 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }
}

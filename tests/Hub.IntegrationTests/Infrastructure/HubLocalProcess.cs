using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>
/// Hub.Local as its own process, as an operator runs it (<c>dotnet Hub.Local.dll</c>), with the arguments and
/// environment given (a setting <c>A:B</c> becomes <c>A__B</c>); ready once its banner says every poller and timer runs.
/// It keeps its last 40 lines of output and counts its <c>warn:</c> and <c>fail:</c> lines, keeping the first failures.
/// </summary>
public sealed class HubLocalProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private int _warnings;
    private int _errors;

    private HubLocalProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>The last 40 lines it wrote (standard output and error).</summary>
    public string Output => string.Join('\n', _output);

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Its first <c>fail:</c>/<c>crit:</c> lines and lines on standard error (ten at most).</summary>
    public IReadOnlyList<string> FirstErrors => [.. _failures];

    public static async Task<HubLocalProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AzuriteProcess.FindRepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(HubLocalHost).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Only what the test gives: never the storage of the shell the tests run in.
        info.Environment.Remove("AzureWebJobsStorage");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var hub = new HubLocalProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start Hub.Local."));
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            hub.Keep(line);
            if (line.StartsWith("Press Ctrl-C to stop", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
            else if (line.StartsWith("warn:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref hub._warnings);
            }
            else if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                hub.Failed(line);
            }
        };
        hub.Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                hub.Keep(line);
                if (hub._failures.Count < 10)
                {
                    hub._failures.Enqueue("stderr: " + line);
                }
            }
        };
        hub.Process.BeginOutputReadLine();
        hub.Process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        }
        catch (TimeoutException e)
        {
            hub.Dispose();
            throw new TimeoutException("Hub.Local did not start within 120 s:\n" + hub.Output, e);
        }

        return hub;
    }

    /// <summary>Sends a signal (<c>TERM</c>, <c>INT</c>, <c>KILL</c>) as an operator or the system would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no shutdown, no message made visible again, nothing flushed; waits until it is gone.</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: false);
        }

        Process.WaitForExit();
    }

    /// <summary>SIGTERM, as an operator stops it; true when it has gone within <paramref name="patience"/>.</summary>
    public async Task<bool> StopAsync(TimeSpan patience)
    {
        if (Process.HasExited)
        {
            return true;
        }

        Signal("TERM");
        try
        {
            await Process.WaitForExitAsync().WaitAsync(patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private void Keep(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > 40 && _output.TryDequeue(out _))
        {
        }
    }

    private void Failed(string line)
    {
        if (Interlocked.Increment(ref _errors) <= 10)
        {
            _failures.Enqueue(line);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Samples;

/// <summary>
/// The sample consumer (<c>samples/PartnerConsumer</c>) as a partner runs it: its own process from its own build output
/// (what <c>dotnet run --no-build</c> starts), settings from the environment only, every line of its output kept (and
/// written to <c>TestResults/sample-consumer/</c>).
/// </summary>
public sealed class ConsumerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly string _home;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private ConsumerProcess(Process process, string name, string home)
    {
        _process = process;
        _name = name;
        _home = home;
    }

    /// <summary>The sample's build output in this configuration; the solution builds it (and so does this project's reference).</summary>
    public static string Dll { get; } = Path.Combine(
        TestOutput.RepositoryRoot(), "samples", "PartnerConsumer", "bin",
        typeof(ConsumerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release",
        "net10.0", "Mellanrum.Samples.PartnerConsumer.dll");

    /// <summary>Every line so far, standard output and standard error together, in order of arrival.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts it with <paramref name="args"/> and exactly the partner settings in <paramref name="environment"/>: no
    /// <c>Partner__*</c> variable from this process, and a home folder of its own, so no user secrets of this machine.
    /// </summary>
    public static ConsumerProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"The sample consumer is not built: {Dll} (dotnet build Hub.sln builds it).");
        var home = Directory.CreateTempSubdirectory("mellanrum-consumer-home-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestOutput.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Partner__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Partner:", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOME"] = home;
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var consumer = new ConsumerProcess(process, name, home);
        process.OutputDataReceived += (_, e) => consumer.Add(e.Data);
        process.ErrorDataReceived += (_, e) => consumer.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return consumer;
    }

    /// <summary>The first line (already there or still to come) that <paramref name="match"/> accepts; fails with the whole output after <paramref name="timeout"/> or when the process ends first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            _waiters.Add((match, found));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(found.Task, exited, Task.Delay(limit));
        if (first == found.Task)
        {
            return await found.Task;
        }

        // The process may have written the line just before it ended.
        if (first == exited)
        {
            _process.WaitForExit();
            if (Lines.FirstOrDefault(match) is { } last)
            {
                return last;
            }
        }

        var why = first == exited ? $"the consumer exited with {_process.ExitCode} first" : $"gave up after {limit.TotalSeconds} s";
        throw new Xunit.Sdk.XunitException($"No line {what} from the consumer ({why}). Its output:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself and returns its exit code, with all its output read.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The consumer did not exit within {limit.TotalSeconds} s. Its output:\n{Output}");
        }

        _process.WaitForExit(); // the last lines of redirected output
        return _process.ExitCode;
    }

    /// <summary>Ctrl-C (SIGINT), as a person stops it; killed if it has not stopped within 15 s. Keeps the output as a test artefact.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await interrupt.WaitForExitAsync();
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }

            _process.WaitForExit();
            await File.WriteAllTextAsync(Path.Combine(TestOutput.Folder("sample-consumer"), _name + ".log"), Output + "\n");
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_home, recursive: true);
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> found = [];
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                found.Add(waiter.Found);
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(line);
        }
    }
}

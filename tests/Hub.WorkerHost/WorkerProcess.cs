using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>
/// The worker process, started as the Functions host starts a dotnet-isolated worker: the executable and dll named by
/// <c>worker.config.json</c>, the host's four command-line options, the working directory and the environment
/// (<c>FUNCTIONS_WORKER_DIRECTORY</c>, <c>FUNCTIONS_APPLICATION_DIRECTORY</c>, <c>AzureWebJobsScriptRoot</c>, the app
/// settings). Its stdout and stderr are kept line by line.
/// </summary>
internal sealed class WorkerProcess(Process process, Stopwatch clock, ConcurrentQueue<WorkerOutputLine> output, ILogger logger) : IAsyncDisposable
{
    public int Id { get; } = process.Id;

    /// <summary>Completes when the process has exited and its stdout and stderr are read to the end.</summary>
    /// <remarks>Created after the asynchronous reads began: only then does it wait for them too.</remarks>
    public Task Exited { get; } = process.WaitForExitAsync();

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>Time since just before the process was started.</summary>
    public TimeSpan Uptime => clock.Elapsed;

    public IReadOnlyList<WorkerOutputLine> Output => output.ToArray();

    public static WorkerProcess Start(WorkerHostOptions options, Uri rpcUri, string workerId, string requestId, ILogger logger)
    {
        var directory = Path.GetFullPath(options.WorkerDirectory);
        var config = WorkerConfig.Read(directory);
        var info = new ProcessStartInfo(config.Executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(directory, config.WorkerPath));
        foreach (var argument in new[]
                 {
                     "--functions-uri", rpcUri.ToString(),
                     "--functions-worker-id", workerId,
                     "--functions-request-id", requestId,
                     "--functions-grpc-max-message-length", options.GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = config.Language;
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = directory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = directory;
        info.Environment["AzureWebJobsScriptRoot"] = directory;
        foreach (var (name, value) in options.Environment)
        {
            info.Environment[name] = value;
        }

        var output = new ConcurrentQueue<WorkerOutputLine>();
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(output, clock, e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Keep(output, clock, e.Data, isError: true);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {config.Executable}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var worker = new WorkerProcess(process, clock, output, logger);
        logger.LogInformation(
            "Started worker {WorkerId} as process {ProcessId}: {Executable} {WorkerPath} with {SettingCount} app settings",
            workerId, process.Id, config.Executable, config.WorkerPath, options.Environment.Count);
        return worker;
    }

    /// <summary>The last lines of stderr (or stdout), for an error message.</summary>
    public string Tail(int lines = 60)
    {
        var all = Output;
        var chosen = all.Any(l => l.IsError) ? all.Where(l => l.IsError) : all;
        return string.Join(Environment.NewLine, chosen.TakeLast(lines).Select(l => l.Text));
    }

    /// <summary>Waits for the process to exit; kills it (and its children) when <paramref name="timeout"/> passes first.</summary>
    public async Task<WorkerExit> WaitForExitAsync(TimeSpan timeout)
    {
        var killed = false;
        try
        {
            await Exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Worker process {ProcessId} did not exit within {TimeoutSeconds} s; killing it", Id, timeout.TotalSeconds);
            Kill();
            killed = true;
            await Exited;
        }

        var exit = new WorkerExit(process.ExitCode, killed, clock.Elapsed);
        logger.LogInformation("Worker process {ProcessId} exited with code {ExitCode}{Killed}", Id, exit.ExitCode, killed ? " (killed)" : string.Empty);
        return exit;
    }

    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
            await Exited;
        }

        process.Dispose();
    }

    private static void Keep(ConcurrentQueue<WorkerOutputLine> output, Stopwatch clock, string? line, bool isError)
    {
        if (line is not null)
        {
            output.Enqueue(new WorkerOutputLine(clock.Elapsed, isError, line));
        }
    }

    /// <summary><c>worker.config.json</c>'s description, as the Functions host reads it.</summary>
    private sealed record WorkerConfig(string Executable, string WorkerPath, string Language)
    {
        public static WorkerConfig Read(string directory)
        {
            var path = Path.Combine(directory, "worker.config.json");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"No worker.config.json in {directory}; is it a dotnet-isolated worker's build output?", path);
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var description = document.RootElement.GetProperty("description");
            var executable = description.GetProperty("defaultExecutablePath").GetString()!;
            if (executable == "dotnet" && Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } muxer && File.Exists(muxer))
            {
                // The dotnet that runs us (the SDK sets DOTNET_HOST_PATH), rather than whichever is first on PATH.
                executable = muxer;
            }

            return new WorkerConfig(
                executable,
                description.GetProperty("defaultWorkerPath").GetString()!,
                description.GetProperty("language").GetString()!);
        }
    }
}

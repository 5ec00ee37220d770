using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mellanrum.Hub.Local;

/// <summary>
/// Azurite from the repository's own npm install (<c>node_modules/azurite</c>, pinned in package.json), bound to
/// 127.0.0.1. Runs on disk under a data folder, or in memory; stopped with its whole process tree.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The development account's key: the same in every Azurite and the storage emulator, published by Microsoft, no secret.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The development account's well-known connection string, with our ports.</summary>
    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite; <paramref name="dataFolder"/> null means in memory. Ports 0 mean free ones.</summary>
    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, string? dataFolder, int blobPort = 0, int queuePort = 0, int tablePort = 0, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            await NpmCiAsync(repositoryRoot, cancellationToken);
        }

        // Three different free ports: the system may hand the same one out again once its listener closed.
        var taken = new HashSet<int> { blobPort, queuePort, tablePort };
        blobPort = blobPort == 0 ? FreePortExcept(taken) : blobPort;
        queuePort = queuePort == 0 ? FreePortExcept(taken) : queuePort;
        tablePort = tablePort == 0 ? FreePortExcept(taken) : tablePort;
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", blobPort.ToString(), "--queuePort", queuePort.ToString(), "--tablePort", tablePort.ToString(),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        if (dataFolder is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataFolder);
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(dataFolder);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var port in new[] { blobPort, queuePort, tablePort })
        {
            while (!await IsListeningAsync(port))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}; are ports {blobPort}-{tablePort} free?");
                }

                if (started.Elapsed > TimeSpan.FromSeconds(60))
                {
                    await azurite.DisposeAsync();
                    throw new TimeoutException("Azurite did not start listening within 60 s.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }

        return azurite;
    }

    /// <summary>The folder holding package.json and Hub.sln, found upwards from <paramref name="start"/>.</summary>
    public static string FindRepositoryRoot(string? start = null)
    {
        foreach (var origin in new[] { start, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = origin is null ? null : new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (package.json beside Hub.sln) to start Azurite from.");
    }

    private static int FreePortExcept(HashSet<int> taken)
    {
        int port;
        do
        {
            port = FreePort();
        }
        while (!taken.Add(port));
        return port;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Stops Azurite: asked first (SIGTERM, so that it writes its on-disk data: it saves every 5 s otherwise, and a kill
    /// would lose the last seconds of the hub's writes), killed with its process tree if it has not gone in 5 s.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited && !OperatingSystem.IsWindows())
        {
            try
            {
                using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
                if (term is not null)
                {
                    await term.WaitForExitAsync();
                }

                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception or InvalidOperationException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task NpmCiAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = repositoryRoot, UseShellExecute = false };
        using var npm = Process.Start(info) ?? throw new InvalidOperationException("Could not run npm ci.");
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with exit code {npm.ExitCode}; Azurite is not installed.");
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mellanrum.Hub.Benchmarks.Digest;

/// <summary>
/// Azurite from the repository's npm install, in memory, on free loopback ports: the few lines of Hub.Local's
/// <c>AzuriteProcess</c> the benchmark needs (Hub.Benchmarks references only Hub, so BenchmarkDotNet's generated
/// projects stay small).
/// </summary>
public sealed class BenchmarkAzurite : IDisposable
{
    private readonly Process _process;

    private BenchmarkAzurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<BenchmarkAzurite> StartAsync()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException("Azurite is not installed: run npm ci at the repository root.");
        }

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var info = new ProcessStartInfo("node") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     // A million rows in memory need more than node's default heap.
                     "--max-old-space-size=12288", script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--inMemoryPersistence",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        var azurite = new BenchmarkAzurite(process, connection);
        var watch = Stopwatch.StartNew();
        foreach (var port in new[] { blob, queue, table })
        {
            while (!await IsListeningAsync(port))
            {
                if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(60))
                {
                    azurite.Dispose();
                    throw new InvalidOperationException("Azurite did not start.");
                }

                await Task.Delay(100);
            }
        }

        return azurite;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (package.json beside Hub.sln).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

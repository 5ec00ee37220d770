using System.Net.Http.Headers;
using System.Reflection;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// A real Azurite (in memory, free ports, from the repository's npm install), the built Hub.Functions worker started
/// through <see cref="WorkerHost"/> as the Functions host starts it, and Hub.Local in-process on the same storage for
/// comparison. Shared by every test class in the <see cref="WorkerCollection"/>.
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    public const string AdminKey = "workerhost-admin-key-0123456789abcdef";

    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "mellanrum-workerhost-outbox-" + Guid.NewGuid().ToString("N"));
    private ILoggerFactory? _loggers;

    public AzuriteProcess Azurite { get; private set; } = null!;

    public WorkerHost Worker { get; private set; } = null!;

    public WebApplication HubLocal { get; private set; } = null!;

    public HttpClient HubLocalClient { get; private set; } = null!;

    /// <summary>Hub.Local in-process, from <see cref="HubLocalHost.BuildAsync"/> to Kestrel listening.</summary>
    public TimeSpan HubLocalStart { get; private set; }

    /// <summary>A second worker and Hub.Local, touched only by the conformance tests and always both alike (<see cref="HostPair"/>).</summary>
    public HostPair Pair { get; private set; } = null!;

    /// <summary>Hub.Functions' build output, as recorded by the test project at build time.</summary>
    public static string WorkerDirectory { get; } = BuildOutput("HubFunctionsWorkerDirectory");

    /// <summary>Hub.Local's build output, as recorded by the test project at build time.</summary>
    public static string HubLocalDirectory { get; } = BuildOutput("HubLocalDirectory");

    /// <summary>The app settings every host here starts from: storage, the admin key, rate limit off, mail to a folder.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = null!;

    /// <summary>Where mail goes (each host in a folder of its own below it); removed at the end.</summary>
    public string Outbox => _outbox;

    public ILoggerFactory Loggers => _loggers!;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture that failed to start: leave no Azurite or worker behind.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Pair is not null)
        {
            await Pair.DisposeAsync();
        }

        HubLocalClient?.Dispose();
        if (HubLocal is not null)
        {
            await HubLocal.StopAsync();
            await HubLocal.DisposeAsync();
        }

        if (Worker is not null)
        {
            await Worker.StopAsync();
            await Worker.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        _loggers?.Dispose();
        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }

    /// <summary>Azurite; the worker with its app settings (storage, the admin key, the <c>%...%</c> names the triggers use); Hub.Local.</summary>
    private async Task StartAsync()
    {
        _loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        Azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null);
        var settings = new Dictionary<string, string?>(HubLocalHost.DefaultSettings)
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Hub:AdminKey"] = AdminKey,
            ["Hub:Ingest:RatePerSecond"] = "0",
            ["Hub:Smtp:OutboxPath"] = _outbox,
            ["Hub:Digest:CutoffGrace"] = "00:00:00",
            // Both hosts write the same links (digests, the register's open data), not each where it listens.
            ["Hub:PublicBaseUrl"] = "https://mellanrum.example.se",
        };
        Settings = settings;

        // App settings reach the worker as environment variables, with ':' spelled '__'.
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        Worker = await WorkerHost.StartAsync(new WorkerHostOptions(WorkerDirectory) { Environment = environment }, _loggers);

        // Hub.Local shares Azurite under its own table prefix and queue names, so its pollers never take the worker's messages.
        var local = new Dictionary<string, string?>(settings)
        {
            ["Hub:TablePrefix"] = "local",
            ["HubInboundQueue"] = "local-inbound-updates",
            ["HubFanoutQueue"] = "local-fanout",
            ["HubDeliveriesQueue"] = "local-deliveries",
            ["HubDigestsQueue"] = "local-digests",
        };
        var port = AzuriteProcess.FreePort();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        HubLocal = await HubLocalHost.BuildAsync(["--urls", $"http://127.0.0.1:{port}"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(local);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await HubLocal.StartAsync();
        HubLocalStart = watch.Elapsed;
        HubLocalClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };

        Pair = await HostPair.StartAsync("conf", Azurite, settings, _outbox, _loggers);
    }

    private static string BuildOutput(string key) =>
        typeof(WorkerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static HttpRequestMessage Request(HttpMethod method, string path, string? adminKey = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (adminKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        }

        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "worker";
}

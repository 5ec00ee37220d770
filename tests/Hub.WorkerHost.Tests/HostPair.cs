using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>Which of the two hosts of a <see cref="HostPair"/>.</summary>
public enum Side
{
    Worker,
    Local,
}

/// <summary>How Hub.Local's own <see cref="QueueListener"/> ended with one message.</summary>
/// <param name="Attempts">Invocations of the function (host.json's <c>maxDequeueCount</c> at most).</param>
/// <param name="Poisoned">The message as it was moved to <c>&lt;queue&gt;-poison</c>, or null.</param>
/// <param name="Failure">The exception of the last failed attempt, as the listener logged it.</param>
public sealed record LocalQueueOutcome(int Attempts, string? Poisoned, Exception? Failure)
{
    public bool Succeeded => Poisoned is null && Failure is null;

    public override string ToString() => Succeeded
        ? $"completed in {Attempts} attempt(s)"
        : $"failed {Attempts} time(s), {(Poisoned is null ? "not poisoned" : "moved to -poison")}: {Failure?.GetType().FullName}";
}

/// <summary>
/// The worker (through <see cref="WorkerHost"/>) and Hub.Local (in-process, over real HTTP) side by side on one Azurite,
/// each with its own tables and queues, touched only by the conformance tests and always both with the same request:
/// so what one holds, the other holds too, and every answer can be compared whole (lists and digests included).
/// </summary>
public sealed class HostPair : IAsyncDisposable
{
    /// <summary>How long Hub.Local's listener waits before a failed message is tried again (host.json: 10 s), so that every attempt fits in a test.</summary>
    public static readonly TimeSpan RetryVisibility = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _scenarioLock = new(1, 1);
    private Scenario? _scenario;

    private HostPair(AzuriteProcess azurite, WorkerHost worker, IReadOnlyDictionary<string, string?> workerSettings, WebApplication local, IReadOnlyDictionary<string, string?> localSettings, int localPort, TimeSpan localStart)
    {
        Azurite = azurite;
        Worker = worker;
        WorkerSettings = workerSettings;
        Local = local;
        LocalSettings = localSettings;
        LocalStart = localStart;
        LocalClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{localPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public AzuriteProcess Azurite { get; }

    public WorkerHost Worker { get; }

    public WebApplication Local { get; }

    public HttpClient LocalClient { get; }

    public IReadOnlyDictionary<string, string?> WorkerSettings { get; }

    public IReadOnlyDictionary<string, string?> LocalSettings { get; }

    /// <summary>Hub.Local in-process: <see cref="HubLocalHost.BuildAsync"/> and <c>StartAsync</c>, until Kestrel listens.</summary>
    public TimeSpan LocalStart { get; }

    /// <summary>
    /// Starts a worker and a Hub.Local on <paramref name="settings"/>, each under its own table prefix and queue names
    /// (<paramref name="name"/><c>w</c> and <paramref name="name"/><c>l</c>), mail to its own folder under <paramref name="outbox"/>.
    /// </summary>
    public static async Task<HostPair> StartAsync(string name, AzuriteProcess azurite, IReadOnlyDictionary<string, string?> settings, string outbox, ILoggerFactory loggers)
    {
        Dictionary<string, string?> Own(string prefix) => new(settings)
        {
            ["Hub:TablePrefix"] = prefix,
            ["HubInboundQueue"] = prefix + "-inbound",
            ["HubFanoutQueue"] = prefix + "-fanout",
            ["HubDeliveriesQueue"] = prefix + "-deliveries",
            ["HubDigestsQueue"] = prefix + "-digests",
            ["Hub:Smtp:OutboxPath"] = Path.Combine(outbox, prefix),
        };

        var workerSettings = Own(name + "w");
        var localSettings = Own(name + "l");

        // App settings reach the worker as environment variables, with ':' spelled '__'.
        var environment = workerSettings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        var worker = await WorkerHost.StartAsync(new WorkerHostOptions(WorkerFixture.WorkerDirectory) { Environment = environment }, loggers);
        try
        {
            var port = AzuriteProcess.FreePort();
            var watch = Stopwatch.StartNew();
            var local = await HubLocalHost.BuildAsync(["--urls", $"http://127.0.0.1:{port}"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(localSettings);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await local.StartAsync();
            return new HostPair(azurite, worker, workerSettings, local, localSettings, port, watch.Elapsed);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    public string Setting(Side side, string name) => (side == Side.Worker ? WorkerSettings : LocalSettings)[name]!;

    /// <summary>The same request to both hosts, the worker first: <paramref name="request"/> is asked once per host (a request is sent only once).</summary>
    public async Task<(Answer Worker, Answer Local)> HttpAsync(string function, Func<Side, HttpRequestMessage> request)
    {
        using var worker = await Worker.InvokeHttpAsync(function, request(Side.Worker));
        var workerAnswer = await Answer.ReadAsync(worker);
        using var local = await LocalClient.SendAsync(request(Side.Local));
        return (workerAnswer, await Answer.ReadAsync(local));
    }

    public Task<(Answer Worker, Answer Local)> HttpAsync(string function, HttpMethod method, string path, string? key = null, string? json = null) =>
        HttpAsync(function, _ => Request(method, path, key, json));

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = null, string? json = null) =>
        WorkerFixture.Request(method, path, key, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>A Standard Webhooks signature: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the secret's bytes.</summary>
    public static HttpRequestMessage Signed(string path, string secret, string body, string webhookId, long timestamp, string contentType = "application/json")
    {
        var seconds = timestamp.ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{seconds}.{body}")));
        var request = Request(HttpMethod.Post, path);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", seconds);
        request.Headers.Add("webhook-signature", "v1," + signature);
        return request;
    }

    public QueueClient Queue(string name) => new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>
    /// Hands <paramref name="message"/> to the worker's queue function as the Functions host does (one invocation; a failure
    /// is a Failed result, which the host would retry and then move to <c>-poison</c>).
    /// </summary>
    public Task<InvocationResult> WorkerQueueAsync(string function, string message, long dequeueCount = 1) =>
        Worker.InvokeQueueAsync(function, message, dequeueCount);

    /// <summary>
    /// Puts <paramref name="message"/> on a queue of its own and lets Hub.Local's own <see cref="QueueListener"/> run
    /// <paramref name="function"/> on it with host.json's queue settings (batch, encoding, <c>maxDequeueCount</c>), only
    /// the wait before a retry shortened to <see cref="RetryVisibility"/>; returns once the message has left the queue
    /// (completed, or moved to <c>-poison</c>).
    /// </summary>
    public async Task<LocalQueueOutcome> LocalQueueAsync(string function, string message)
    {
        var served = Local.Services.GetRequiredService<ServedFunctions>();
        var descriptor = served.Functions.Single(f => f.Name == function);
        var settings = served.HostJson.Queues with { VisibilityTimeout = RetryVisibility, MaxPollingInterval = RetryVisibility };
        var name = "conformance-" + Guid.NewGuid().ToString("N");
        var queue = Queue(name);
        var poison = Queue(name + "-poison");
        await queue.CreateAsync();
        await queue.SendMessageAsync(message);
        var logger = new CapturingLogger<QueueListener>();
        var listener = new QueueListener(descriptor, name, Local.Services.GetRequiredService<QueueServiceClient>(), settings, Local.Services.GetRequiredService<FunctionInvoker>(), logger);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            // Azurite counts invisible messages too: zero means the listener deleted it, after success or after moving it.
            await Until.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), $"{function} to finish with its message on {name}");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }

        var poisoned = (await poison.ExistsAsync()).Value ? (await poison.ReceiveMessagesAsync(maxMessages: 32)).Value.SingleOrDefault()?.MessageText : null;
        await queue.DeleteIfExistsAsync();
        await poison.DeleteIfExistsAsync();
        var failures = logger.Entries.Where(e => e.Exception is not null).ToArray();
        return new LocalQueueOutcome(failures.Length + (poisoned is null ? 1 : 0), poisoned, failures.Select(f => f.Exception).LastOrDefault());
    }

    /// <summary>
    /// Runs a timer function as Hub.Local's <see cref="TimerRunner"/> does (its invoker, a <see cref="TimerInfo"/>), after
    /// checking that Hub.Local runs it on the schedule the worker's trigger names; null when it succeeded.
    /// </summary>
    public async Task<Exception?> LocalTimerAsync(string function)
    {
        var served = Local.Services.GetRequiredService<ServedFunctions>();
        var descriptor = served.Functions.Single(f => f.Name == function);
        var schedule = FunctionCatalog.Resolve(((Trigger.Timer)descriptor.Trigger).Schedule, Local.Services.GetRequiredService<IConfiguration>());
        Assert.Equal(Worker.Resolve(Worker.Function(function).Trigger.Schedule!), schedule);
        Assert.Single(Local.Services.GetServices<IHostedService>().OfType<TimerRunner>(), r => r.Schedule == schedule);
        try
        {
            await Local.Services.GetRequiredService<FunctionInvoker>().InvokeAsync(descriptor, new TimerInfo { ScheduleStatus = new ScheduleStatus() }, new Dictionary<string, object?>(), CancellationToken.None);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>The registrations and the one update every conformance test may read; made once, in both hosts.</summary>
    public async Task<Scenario> ScenarioAsync()
    {
        await _scenarioLock.WaitAsync();
        try
        {
            return _scenario ??= await Scenario.CreateAsync(this);
        }
        finally
        {
            _scenarioLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        LocalClient.Dispose();
        await Local.StopAsync();
        await Local.DisposeAsync();
        await Worker.StopAsync();
        await Worker.DisposeAsync();
        _scenarioLock.Dispose();
    }
}

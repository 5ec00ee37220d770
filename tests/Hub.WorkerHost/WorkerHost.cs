using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Mellanrum.Hub.WorkerHost.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>
/// A small stand-in for the Azure Functions host: serves <c>FunctionRpc.EventStream</c>, starts a built
/// dotnet-isolated worker as the host does, initialises it, has it index and load its functions, and invokes HTTP,
/// queue and timer functions over the protocol (HTTP through the worker's ASP.NET Core <c>HttpUri</c>).
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    /// <summary>The header that pairs a proxied HTTP request with its <c>InvocationRequest</c>.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private const string HostVersion = "4.0.0-mellanrum-workerhost";

    private readonly WorkerHostOptions _options;
    private readonly RpcServer _server;
    private readonly WorkerProcess _process;
    private readonly ILogger _logger;
    private readonly string _routePrefix;
    private readonly IReadOnlyDictionary<string, WorkerFunction> _byName;
    private readonly CancellationTokenSource _gone = new();
    private readonly HttpClient _http;
    private WorkerExit? _exit;

    private WorkerHost(WorkerHostOptions options, RpcServer server, WorkerProcess process, ILogger logger, Startup startup)
    {
        _options = options;
        _server = server;
        _process = process;
        _logger = logger;
        _routePrefix = startup.RoutePrefix;
        Capabilities = startup.Capabilities;
        WorkerVersion = startup.WorkerVersion;
        Functions = startup.Functions;
        _byName = startup.Functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        StartToReady = startup.StartToReady;
        HttpUri = Capabilities.TryGetValue("HttpUri", out var httpUri) ? new Uri(httpUri) : null;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _ = CancelWhenGoneAsync();
    }

    /// <summary>What the worker declared in <c>WorkerInitResponse</c> (<c>HttpUri</c>, <c>RpcHttpTriggerMetadataRemoved</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; }

    public string WorkerVersion { get; }

    /// <summary>Where the worker's ASP.NET Core integration listens; null for a worker without it.</summary>
    public Uri? HttpUri { get; }

    /// <summary>Every function the worker indexed, with the result of loading it.</summary>
    public IReadOnlyList<WorkerFunction> Functions { get; }

    /// <summary>From process start to the last <c>FunctionLoadResponse</c>.</summary>
    public TimeSpan StartToReady { get; }

    public int ProcessId => _process.Id;

    /// <summary>Every <c>RpcLog</c> the worker has sent so far.</summary>
    public IReadOnlyList<WorkerLog> Logs => _server.Channel.Logs;

    /// <summary>Every line the worker process has written to stdout and stderr so far.</summary>
    public IReadOnlyList<WorkerOutputLine> Output => _process.Output;

    /// <summary>Starts the worker in <see cref="WorkerHostOptions.WorkerDirectory"/> and returns once every function is loaded.</summary>
    public static async Task<WorkerHost> StartAsync(WorkerHostOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<WorkerHost>();
        var server = await RpcServer.StartAsync(options.GrpcMaxMessageLength, logger, cancellationToken);
        WorkerProcess? process = null;
        try
        {
            var workerId = Guid.NewGuid().ToString();
            process = WorkerProcess.Start(options, server.Uri, workerId, Guid.NewGuid().ToString(), logger);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.StartTimeout);
            var starting = StartupAsync(options, server.Channel, process, workerId, logger, limit.Token);
            if (await Task.WhenAny(starting, process.Exited) != starting)
            {
                await limit.CancelAsync();
                await Task.WhenAny(starting);
                _ = starting.Exception; // observed: the exit is the error to report
                throw new InvalidOperationException($"The worker exited with code {process.ExitCode} before it was ready:{Environment.NewLine}{process.Tail()}");
            }

            try
            {
                return new WorkerHost(options, server, process, logger, await starting);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The worker was not ready within {options.StartTimeout.TotalSeconds} s:{Environment.NewLine}{process.Tail()}");
            }
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            await server.DisposeAsync();
            throw;
        }
    }

    public WorkerFunction Function(string name) =>
        _byName.TryGetValue(name, out var function) ? function : throw new ArgumentException($"The worker has no function '{name}'.", nameof(name));

    /// <summary>Resolves <c>%Setting%</c> expressions (queue names, schedules) from the worker's app settings.</summary>
    public string Resolve(string expression) => TriggerData.Resolve(expression, _options.Environment);

    /// <summary>
    /// Invokes an HTTP function as the Functions host does for the ASP.NET Core integration: the request goes to the
    /// worker's <see cref="HttpUri"/> with <c>x-ms-invocation-id</c>, and at the same time the <c>InvocationRequest</c>
    /// (empty <c>RpcHttp</c>, route values in the trigger metadata) goes over the stream. Returns the worker's real
    /// HTTP response, or 500 when the invocation failed, as the host answers.
    /// </summary>
    /// <param name="request">Its URI is the path the client asked for (relative, or absolute on any authority), e.g. <c>/api/v1/health</c>.</param>
    public async Task<HttpResponseMessage> InvokeHttpAsync(string functionName, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var function = Function(functionName);
        var trigger = TriggerOf(function, "httpTrigger");
        var httpUri = HttpUri ?? throw new NotSupportedException("The worker declared no HttpUri capability; this host only proxies HTTP to the ASP.NET Core integration.");
        var target = request.RequestUri is { IsAbsoluteUri: true } absolute ? new Uri(httpUri, absolute.PathAndQuery) : new Uri(httpUri, request.RequestUri?.OriginalString ?? "/");
        if (trigger.Methods.Count > 0 && !trigger.Methods.Contains(request.Method.Method, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{function.Name} answers {string.Join(", ", trigger.Methods)}, not {request.Method}.", nameof(request));
        }

        var routeValues = TriggerData.MatchRoute(_routePrefix, trigger.Route ?? function.Name, target)
            ?? throw new ArgumentException($"{target.AbsolutePath} is not {function.Name}'s route {_routePrefix}/{trigger.Route}.", nameof(request));

        var invocation = NewInvocation(function);
        TriggerData.Http(invocation, trigger, target, request, routeValues, includeRequestInMetadata: !Capabilities.ContainsKey("RpcHttpTriggerMetadataRemoved"));
        using var forward = new HttpRequestMessage(request.Method, target) { Content = request.Content };
        foreach (var (name, values) in request.Headers)
        {
            forward.Headers.TryAddWithoutValidation(name, values);
        }

        forward.Headers.Host = null;
        forward.Headers.Remove(InvocationIdHeader);
        forward.Headers.TryAddWithoutValidation(InvocationIdHeader, invocation.InvocationId);

        // The worker pairs the two halves by invocation id and waits only seconds for the other one: send both now.
        using var limit = Limit(cancellationToken);
        var http = _http.SendAsync(forward, HttpCompletionOption.ResponseContentRead, limit.Token);
        InvocationResult result;
        try
        {
            result = await InvokeAsync(function, invocation, cancellationToken);
        }
        catch
        {
            await limit.CancelAsync();
            await DiscardAsync(http);
            throw;
        }

        if (!result.Succeeded)
        {
            await limit.CancelAsync();
            await DiscardAsync(http);
            _logger.LogWarning("HTTP function {FunctionName} failed in invocation {InvocationId}; answering 500 as the Functions host does", function.Name, result.InvocationId);
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request, Content = new ByteArrayContent([]) };
        }

        try
        {
            var response = await http;
            response.RequestMessage = request;
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker did not answer the HTTP half of {function.Name} ({result.InvocationId}) within {_options.InvocationTimeout.TotalSeconds} s.");
        }
    }

    /// <summary>Invokes a storage queue function with <paramref name="message"/> and the trigger metadata the host sends.</summary>
    public Task<InvocationResult> InvokeQueueAsync(string functionName, string message, long dequeueCount = 1, CancellationToken cancellationToken = default)
    {
        var function = Function(functionName);
        var invocation = NewInvocation(function);
        TriggerData.Queue(invocation, TriggerOf(function, "queueTrigger"), message, dequeueCount, _options.TimeProvider.GetUtcNow());
        return InvokeAsync(function, invocation, cancellationToken);
    }

    /// <summary>Invokes a timer function now, with a <c>TimerInfo</c> for its (resolved) schedule.</summary>
    public Task<InvocationResult> InvokeTimerAsync(string functionName, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        var function = Function(functionName);
        var trigger = TriggerOf(function, "timerTrigger");
        var invocation = NewInvocation(function);
        TriggerData.Timer(invocation, trigger, Resolve(trigger.Schedule ?? throw new InvalidOperationException($"{function.Name} has no schedule.")), isPastDue, _options.TimeProvider.GetUtcNow());
        return InvokeAsync(function, invocation, cancellationToken);
    }

    /// <summary>Waits until the worker has sent an <c>RpcLog</c> that <paramref name="match"/> accepts.</summary>
    public Task<WorkerLog> WaitForLogAsync(Func<WorkerLog, bool> match, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _server.Channel.WaitForLogAsync(match, timeout ?? _options.InvocationTimeout, cancellationToken);

    /// <summary>Sends <c>WorkerTerminate</c> and waits for the process to exit; kills it after the shutdown timeout.</summary>
    public async Task<WorkerExit> StopAsync()
    {
        if (_exit is not null)
        {
            return _exit;
        }

        if (_process.ExitCode is null)
        {
            _logger.LogInformation("Sending WorkerTerminate to worker process {ProcessId}", _process.Id);
            try
            {
                _server.Channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownTimeout) } });
            }
            catch (IOException)
            {
                // The stream is gone already; the process is waited for (or killed) all the same.
            }
        }

        _exit = await _process.WaitForExitAsync(_options.ShutdownTimeout);
        return _exit;
    }

    /// <summary>Kills the worker if it still runs, and stops the RPC server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gone.CancelAsync();
        await _process.DisposeAsync();
        await _server.DisposeAsync();
        _http.Dispose();
        _gone.Dispose();
    }

    private static async Task<Startup> StartupAsync(WorkerHostOptions options, WorkerChannel channel, WorkerProcess process, string workerId, ILogger logger, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.WorkerDirectory);
        var connected = await channel.Connected.WaitAsync(cancellationToken);
        if (connected != workerId)
        {
            throw new InvalidOperationException($"A worker with id {connected} connected; {workerId} was started.");
        }

        var init = (await channel.RequestAsync(WorkerChannel.InitKey, new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            WorkerInitRequest = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = directory, FunctionAppDirectory = directory },
        }, cancellationToken)).WorkerInitResponse;
        EnsureSuccess(init.Result, "WorkerInitRequest");
        var capabilities = init.Capabilities.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

        var metadata = (await channel.RequestAsync(WorkerChannel.MetadataKey, new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = directory },
        }, cancellationToken)).FunctionMetadataResponse;
        EnsureSuccess(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new NotSupportedException("The worker asks the host to index functions.metadata itself; this host only supports worker indexing.");
        }

        var loads = metadata.FunctionMetadataResults.Select(async function =>
        {
            var bindings = function.RawBindings.Select(ParseBinding).ToArray();
            if (function.Status is { Status: not StatusResult.Types.Status.Success } indexing)
            {
                return ToFunction(function, bindings, new FunctionLoadResult(false, "Indexing failed: " + indexing.Exception?.Message));
            }

            var answer = await channel.RequestAsync(WorkerChannel.LoadKey(function.FunctionId), new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionLoadRequest = LoadRequest(function, bindings),
            }, cancellationToken);
            var result = answer.FunctionLoadResponse.Result;
            return ToFunction(function, bindings, result.Status == StatusResult.Types.Status.Success
                ? new FunctionLoadResult(true, null)
                : new FunctionLoadResult(false, result.Exception?.Message ?? result.Result));
        });
        var functions = await Task.WhenAll(loads);
        var startToReady = process.Uptime;
        logger.LogInformation(
            "Worker {WorkerId} ready in {StartToReadyMs} ms: {LoadedCount} of {FunctionCount} functions loaded",
            workerId, (long)startToReady.TotalMilliseconds, functions.Count(f => f.Load.Succeeded), functions.Length);

        if (capabilities.TryGetValue("HttpUri", out var httpUri))
        {
            await WaitUntilListeningAsync(new Uri(httpUri), cancellationToken);
        }

        return new Startup(capabilities, init.WorkerMetadata?.WorkerVersion ?? init.WorkerVersion, functions, startToReady, RoutePrefix(directory));
    }

    private static FunctionLoadRequest LoadRequest(RpcFunctionMetadata function, IReadOnlyList<WorkerBinding> bindings)
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = function.Name,
            FunctionId = function.FunctionId,
            Directory = function.Directory,
            ScriptFile = function.ScriptFile,
            EntryPoint = function.EntryPoint,
            Language = function.Language,
            IsProxy = false,
        };
        metadata.Properties.Add(function.Properties);
        foreach (var binding in bindings)
        {
            var info = new BindingInfo
            {
                Type = binding.Type,
                Direction = binding.Direction.ToLowerInvariant() switch
                {
                    "out" => BindingInfo.Types.Direction.Out,
                    "inout" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = binding.String("dataType")?.ToLowerInvariant() switch
                {
                    "string" => BindingInfo.Types.DataType.String,
                    "binary" => BindingInfo.Types.DataType.Binary,
                    "stream" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
            if (binding.Properties.TryGetValue("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    info.Properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            metadata.Bindings[binding.Name] = info;
        }

        return new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = metadata };
    }

    private static WorkerBinding ParseBinding(string raw)
    {
        using var document = JsonDocument.Parse(raw);
        var properties = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        string? name = null, type = null, direction = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Name.ToLowerInvariant())
            {
                case "name":
                    name = property.Value.GetString();
                    break;
                case "type":
                    type = property.Value.GetString();
                    break;
                case "direction":
                    direction = property.Value.GetString();
                    break;
                default:
                    properties[property.Name] = property.Value.Clone();
                    break;
            }
        }

        return new WorkerBinding(name ?? string.Empty, type ?? string.Empty, direction ?? "In", properties);
    }

    private static WorkerFunction ToFunction(RpcFunctionMetadata function, IReadOnlyList<WorkerBinding> bindings, FunctionLoadResult load) =>
        new(function.Name, function.FunctionId, function.ScriptFile, function.EntryPoint, function.Language, bindings, load);

    private static void EnsureSuccess(StatusResult? result, string request)
    {
        if (result is null || result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed {request}: {result?.Exception?.Message ?? result?.Result ?? "no result"}");
        }
    }

    /// <summary><c>extensions.http.routePrefix</c> of the worker's host.json; <c>api</c> when it is not set.</summary>
    private static string RoutePrefix(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
               && extensions.TryGetProperty("http", out var http)
               && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString() ?? "api"
            : "api";
    }

    private static async Task WaitUntilListeningAsync(Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(uri.Host, uri.Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet: the worker starts Kestrel beside the gRPC client.
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static WorkerBinding TriggerOf(WorkerFunction function, string type)
    {
        var trigger = function.Trigger;
        if (!trigger.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{function.Name} has a {trigger.Type}, not a {type}.");
        }

        if (!function.Load.Succeeded)
        {
            throw new InvalidOperationException($"{function.Name} did not load: {function.Load.Error}");
        }

        return trigger;
    }

    private static InvocationRequest NewInvocation(WorkerFunction function) => new()
    {
        InvocationId = Guid.NewGuid().ToString(),
        FunctionId = function.FunctionId,
        TraceContext = TriggerData.TraceContext(),
    };

    private static async Task DiscardAsync(Task<HttpResponseMessage> http)
    {
        try
        {
            (await http).Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            // Cancelled on purpose: the invocation decides the answer.
        }
    }

    private async Task<InvocationResult> InvokeAsync(WorkerFunction function, InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = Limit(cancellationToken);
        StreamingMessage answer;
        try
        {
            answer = await _server.Channel.RequestAsync(WorkerChannel.InvocationKey(invocation.InvocationId), new StreamingMessage { InvocationRequest = invocation }, limit.Token);
        }
        catch (OperationCanceledException)
        {
            TrySend(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocation.InvocationId } });
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw _process.ExitCode is { } code
                ? new InvalidOperationException($"The worker exited with code {code} during {function.Name} ({invocation.InvocationId}):{Environment.NewLine}{_process.Tail()}")
                : new TimeoutException($"The worker did not answer {function.Name} ({invocation.InvocationId}) within {_options.InvocationTimeout.TotalSeconds} s.");
        }

        var response = answer.InvocationResponse;
        var status = response.Result?.Status switch
        {
            StatusResult.Types.Status.Success => InvocationStatus.Succeeded,
            StatusResult.Types.Status.Cancelled => InvocationStatus.Cancelled,
            _ => InvocationStatus.Failed,
        };
        var exception = response.Result?.Exception;
        var result = new InvocationResult(
            function.Name,
            invocation.InvocationId,
            status,
            string.IsNullOrEmpty(exception?.Type) ? null : exception.Type,
            string.IsNullOrEmpty(exception?.Message) ? null : exception.Message,
            watch.Elapsed,
            _server.Channel.Logs.Where(l => l.InvocationId == invocation.InvocationId).ToArray());
        _logger.LogInformation(
            "Invocation {InvocationId} of {FunctionName}: {Status} in {ElapsedMs} ms",
            result.InvocationId, result.FunctionName, result.Status, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    private void TrySend(StreamingMessage message)
    {
        try
        {
            _server.Channel.Send(message);
        }
        catch (IOException)
        {
            // The stream is gone.
        }
    }

    private CancellationTokenSource Limit(CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _gone.Token);
        limit.CancelAfter(_options.InvocationTimeout);
        return limit;
    }

    private async Task CancelWhenGoneAsync()
    {
        await _process.Exited;
        try
        {
            await _gone.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed first.
        }
    }

    private sealed record Startup(
        IReadOnlyDictionary<string, string> Capabilities,
        string WorkerVersion,
        IReadOnlyList<WorkerFunction> Functions,
        TimeSpan StartToReady,
        string RoutePrefix);
}

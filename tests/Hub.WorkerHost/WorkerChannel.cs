using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Mellanrum.Hub.WorkerHost.Rpc;
using Microsoft.Extensions.Logging;
using GrpcException = Grpc.Core.RpcException;
using MessageCase = Mellanrum.Hub.WorkerHost.Rpc.StreamingMessage.ContentOneofCase;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>
/// The host's side of one worker's <c>EventStream</c>: a single writer for what the host sends, a reader that hands
/// each answer to whoever waits for it (by a key: init, metadata, a function id, an invocation id), and the worker's
/// <c>RpcLog</c> messages, kept for assertions.
/// </summary>
internal sealed class WorkerChannel(ILogger logger)
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly TaskCompletionSource<string> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<WorkerLog> _logs = new();
    private readonly Signal _logged = new();
    private int _streams;

    /// <summary>Completes with the worker id of the <c>StartStream</c> message.</summary>
    public Task<string> Connected => _connected.Task;

    public Task Disconnected => _disconnected.Task;

    public IReadOnlyList<WorkerLog> Logs => _logs.ToArray();

    public static string InitKey => "init";

    public static string MetadataKey => "metadata";

    public static string LoadKey(string functionId) => "load:" + functionId;

    public static string InvocationKey(string invocationId) => "invocation:" + invocationId;

    /// <summary>Serves the stream until the worker closes it (or the call is cancelled).</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _streams) > 1)
        {
            throw new GrpcException(new Status(StatusCode.AlreadyExists, "This host serves one worker, and it is connected already."));
        }

        if (!await requests.MoveNext(cancellationToken) || requests.Current.ContentCase != MessageCase.StartStream)
        {
            throw new GrpcException(new Status(StatusCode.FailedPrecondition, "The first message of the stream must be StartStream."));
        }

        var workerId = requests.Current.StartStream.WorkerId;
        logger.LogInformation("Worker {WorkerId} opened the event stream", workerId);
        _connected.TrySetResult(workerId);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteAsync(responses, stop.Token);
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                Dispatch(requests.Current);
            }

            logger.LogInformation("Worker {WorkerId} closed the event stream", workerId);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or GrpcException)
        {
            logger.LogInformation("Event stream of worker {WorkerId} ended: {Reason}", workerId, e.GetType().Name);
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
            Close(new IOException($"The worker's event stream ended (worker {workerId})."));
        }
    }

    /// <summary>Sends <paramref name="message"/> and waits for the answer filed under <paramref name="key"/>.</summary>
    public async Task<StreamingMessage> RequestAsync(string key, StreamingMessage message, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, answer))
        {
            throw new InvalidOperationException($"A request '{key}' is already waiting for its answer.");
        }

        try
        {
            if (_disconnected.Task.IsCompleted)
            {
                throw new IOException("The worker's event stream has ended.");
            }

            Send(message);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    public void Send(StreamingMessage message)
    {
        if (!_outbound.Writer.TryWrite(message))
        {
            throw new IOException("The worker's event stream has ended.");
        }
    }

    /// <summary>Waits until the worker has sent a log that <paramref name="match"/> accepts.</summary>
    public async Task<WorkerLog> WaitForLogAsync(Func<WorkerLog, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var next = _logged.Next;
            if (_logs.FirstOrDefault(match) is { } log)
            {
                return log;
            }

            try
            {
                await next.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The worker sent no matching log within {timeout.TotalSeconds} s.");
            }
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case MessageCase.RpcLog:
                Log(message.RpcLog);
                break;
            case MessageCase.WorkerInitResponse:
                Complete(InitKey, message);
                break;
            case MessageCase.FunctionMetadataResponse:
                Complete(MetadataKey, message);
                break;
            case MessageCase.FunctionLoadResponse:
                Complete(LoadKey(message.FunctionLoadResponse.FunctionId), message);
                break;
            case MessageCase.InvocationResponse:
                Complete(InvocationKey(message.InvocationResponse.InvocationId), message);
                break;
            default:
                logger.LogDebug("Ignored a {MessageType} message from the worker", message.ContentCase);
                break;
        }
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (!_pending.TryGetValue(key, out var waiting) || !waiting.TrySetResult(message))
        {
            logger.LogWarning("The worker answered {MessageType} for {Key}, which nobody waits for", message.ContentCase, key);
        }
    }

    private void Log(RpcLog log)
    {
        var entry = new WorkerLog(
            _clock.Elapsed,
            log.Level.ToString(),
            log.Category,
            log.Message,
            string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
            log.Exception is null ? null : $"{log.Exception.Type}: {log.Exception.Message}",
            log.LogCategory.ToString());
        _logs.Enqueue(entry);
        _logged.Pulse();
        logger.LogDebug("Worker log {Level} {Category} {InvocationId}: {Message}", entry.Level, entry.Category, entry.InvocationId, entry.Message);
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The stream is over; what was not sent is failed by Close.
        }
    }

    private void Close(Exception reason)
    {
        _outbound.Writer.TryComplete();
        _disconnected.TrySetResult();
        _connected.TrySetException(reason);
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(reason);
        }
    }

    /// <summary>A task that completes at the next pulse; waiters take <see cref="Next"/> before they check.</summary>
    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

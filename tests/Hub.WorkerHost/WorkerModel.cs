using System.Text.Json;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>A function as the worker indexed it (<c>FunctionMetadataResponse</c>), and how loading it went.</summary>
public sealed record WorkerFunction(
    string Name,
    string FunctionId,
    string ScriptFile,
    string EntryPoint,
    string Language,
    IReadOnlyList<WorkerBinding> Bindings,
    FunctionLoadResult Load)
{
    /// <summary>The one binding whose type ends with <c>Trigger</c> (httpTrigger, queueTrigger, timerTrigger, ...).</summary>
    public WorkerBinding Trigger => Bindings.Single(b => b.IsTrigger);
}

/// <summary>One binding of a function, from the worker's raw binding JSON.</summary>
/// <param name="Properties">Every other property of the raw binding: <c>route</c>, <c>methods</c>, <c>queueName</c>, <c>schedule</c>, ...</param>
public sealed record WorkerBinding(string Name, string Type, string Direction, IReadOnlyDictionary<string, JsonElement> Properties)
{
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public string? Route => String("route");

    /// <summary>HTTP methods, lower case as the metadata has them; empty means any.</summary>
    public IReadOnlyList<string> Methods =>
        Properties.TryGetValue("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.GetString()!).ToArray()
            : [];

    public string? QueueName => String("queueName");

    public string? Schedule => String("schedule");

    public string? String(string property) =>
        Properties.TryGetValue(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The worker's answer to <c>FunctionLoadRequest</c>.</summary>
public sealed record FunctionLoadResult(bool Succeeded, string? Error);

public enum InvocationStatus
{
    Failed,
    Succeeded,
    Cancelled,
}

/// <summary>The worker's <c>InvocationResponse</c> for one invocation, with the logs it sent for it.</summary>
public sealed record InvocationResult(
    string FunctionName,
    string InvocationId,
    InvocationStatus Status,
    string? ExceptionType,
    string? ExceptionMessage,
    TimeSpan Elapsed,
    IReadOnlyList<WorkerLog> Logs)
{
    public bool Succeeded => Status == InvocationStatus.Succeeded;

    public override string ToString() =>
        $"{FunctionName} ({InvocationId}): {Status}" + (ExceptionMessage is null ? string.Empty : $", {ExceptionType}: {ExceptionMessage}");
}

/// <summary>An <c>RpcLog</c> the worker sent over the stream.</summary>
public sealed record WorkerLog(TimeSpan At, string Level, string Category, string Message, string? InvocationId, string? Exception, string LogCategory);

/// <summary>A line the worker process wrote to stdout or stderr.</summary>
public sealed record WorkerOutputLine(TimeSpan At, bool IsError, string Text);

/// <summary>How the worker process ended.</summary>
public sealed record WorkerExit(int ExitCode, bool Killed, TimeSpan Elapsed);

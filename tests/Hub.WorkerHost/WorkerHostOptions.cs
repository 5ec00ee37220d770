namespace Mellanrum.Hub.WorkerHost;

/// <summary>How to start a worker: its build output folder, the app settings it gets as environment, and time limits.</summary>
/// <param name="WorkerDirectory">The worker's build output (holding <c>worker.config.json</c>, the dll, <c>functions.metadata</c>, <c>host.json</c>).</param>
public sealed record WorkerHostOptions(string WorkerDirectory)
{
    /// <summary>
    /// App settings passed to the worker as environment variables, as the Functions host does (<c>AzureWebJobsStorage</c>,
    /// <c>Hub__AdminKey</c>, the <c>%Setting%</c> names the triggers use, ...). They also resolve <c>%Setting%</c>
    /// expressions in trigger metadata. Values are never logged.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>From process start to every function loaded.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long one invocation (and its HTTP half) may take.</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the worker has to exit after <c>WorkerTerminate</c> before it is killed.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Passed as <c>--functions-grpc-max-message-length</c>; the Functions host passes <see cref="int.MaxValue"/>.</summary>
    public int GrpcMaxMessageLength { get; init; } = int.MaxValue;

    /// <summary>Clock for trigger metadata (queue insertion time, timer schedule status).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

using System.Text.Json;

namespace Mellanrum.Hub.Local;

/// <summary>The settings Hub.Local takes from the root <c>host.json</c>, as the Functions host would.</summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues)
{
    public static HostJson Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "host.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var extensions = document.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        var prefix = extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var p)
            ? p.GetString() ?? "api"
            : "api";
        var queues = new QueueSettings();
        if (extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty("queues", out var q))
        {
            queues = new QueueSettings(
                q.TryGetProperty("batchSize", out var b) ? b.GetInt32() : queues.BatchSize,
                q.TryGetProperty("newBatchThreshold", out var n) ? n.GetInt32() : queues.NewBatchThreshold,
                q.TryGetProperty("maxPollingInterval", out var m) ? TimeSpan.Parse(m.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : queues.MaxPollingInterval,
                q.TryGetProperty("visibilityTimeout", out var v) ? TimeSpan.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : queues.VisibilityTimeout,
                q.TryGetProperty("maxDequeueCount", out var d) ? d.GetInt32() : queues.MaxDequeueCount,
                q.TryGetProperty("messageEncoding", out var enc) ? enc.GetString() ?? "base64" : queues.MessageEncoding);
        }

        return new HostJson(prefix, queues);
    }
}

/// <summary>The <c>extensions.queues</c> section, with the Functions host's defaults.</summary>
public sealed record QueueSettings(
    int BatchSize = 16,
    int NewBatchThreshold = 8,
    TimeSpan MaxPollingInterval = default,
    TimeSpan VisibilityTimeout = default,
    int MaxDequeueCount = 5,
    string MessageEncoding = "base64")
{
    public TimeSpan MaxPollingInterval { get; init; } = MaxPollingInterval == default ? TimeSpan.FromMinutes(1) : MaxPollingInterval;

    /// <summary>
    /// How long a received message stays invisible while its function runs: after a crash it comes back then. Not in
    /// host.json (the Functions host leases and renews on its own); <c>Local:QueueLease</c>, by default the visibility
    /// timeout and five minutes, longer than any function runs.
    /// </summary>
    public TimeSpan? Lease { get; init; }

    public TimeSpan ReceiveLease => Lease ?? VisibilityTimeout + TimeSpan.FromMinutes(5);
}

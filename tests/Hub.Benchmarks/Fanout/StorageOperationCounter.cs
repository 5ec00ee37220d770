using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mellanrum.Hub.Benchmarks.Fanout;

/// <summary>
/// Counts the storage requests every <see cref="HttpClient"/> in the process makes (the hub's and the load run's), by
/// service, method and table or queue, from the <c>HttpHandlerDiagnosticListener</c>: where the time of a run goes.
/// </summary>
public sealed partial class StorageOperationCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly Dictionary<int, string> _services;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private volatile bool _enabled;

    public StorageOperationCounter(int queuePort, int tablePort)
    {
        _services = new Dictionary<int, string> { [queuePort] = "queue", [tablePort] = "table" };
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public void Start()
    {
        _counts.Clear();
        _enabled = true;
    }

    public IReadOnlyDictionary<string, long> Stop()
    {
        _enabled = false;
        return new Dictionary<string, long>(_counts);
    }

    public static string Format(IReadOnlyDictionary<string, long> counts, int updates, params string[] excludePrefixes)
    {
        var text = new StringBuilder();
        text.AppendLine("| Storage operation | Count | Per update |");
        text.AppendLine("|-------------------|------:|-----------:|");
        var total = 0L;
        foreach (var (key, count) in counts.Where(c => !excludePrefixes.Any(p => c.Key.Contains(p, StringComparison.Ordinal))).OrderByDescending(c => c.Value))
        {
            total += count;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {key} | {count} | {(double)count / updates:F2} |"));
        }

        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| **total** | {total} | {(double)total / updates:F2} |"));
        return text.ToString();
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "HttpHandlerDiagnosticListener")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (!_enabled || value.Key != "System.Net.Http.HttpRequestOut.Start" || value.Value is null)
        {
            return;
        }

        var request = value.Value.GetType().GetProperty("Request")?.GetValue(value.Value) as HttpRequestMessage;
        if (request?.RequestUri is not { } uri || !_services.TryGetValue(uri.Port, out var service))
        {
            return;
        }

        // /devstoreaccount1/hubUpdates(PartitionKey='x',RowKey='u') -> hubUpdates(key); /devstoreaccount1/partner-x/messages/id -> partner-*/messages/{id}
        var path = uri.AbsolutePath.Split('/', 3) is [_, _, var rest] ? rest : uri.AbsolutePath;
        path = KeyPattern().Replace(path, "(key)");
        path = PartnerPattern().Replace(path, "partner-*");
        path = MessageIdPattern().Replace(path, "/messages/{id}");
        path = WarmPattern().Replace(path, "$1");
        var kind = service == "queue" && request.Method == HttpMethod.Put && uri.Query.Contains("popreceipt", StringComparison.OrdinalIgnoreCase) ? " (update)" : string.Empty;
        _counts.AddOrUpdate($"{service} {request.Method} {Uri.UnescapeDataString(path)}{kind}", 1, (_, n) => n + 1);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    [GeneratedRegex(@"\(PartitionKey=.*\)$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"partner-[a-z0-9-]+")]
    private static partial Regex PartnerPattern();

    [GeneratedRegex(@"/messages/[0-9a-f-]+$")]
    private static partial Regex MessageIdPattern();

    [GeneratedRegex(@"^(\$batch).*")]
    private static partial Regex WarmPattern();
}

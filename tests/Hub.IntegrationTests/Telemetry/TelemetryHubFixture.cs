using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mellanrum.Hub.Functions.Telemetry;
using Mellanrum.Hub.IntegrationTests.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mellanrum.Hub.IntegrationTests.Telemetry;

/// <summary>
/// The hub of <see cref="FanoutHubFixture"/> (Azurite, the in-test Service Bus broker, loopback webhooks) with the
/// hub's own OpenTelemetry instrumentation (<see cref="HubTelemetry.AddHubInstrumentation(TracerProviderBuilder)"/>, the
/// same sources and meters as in Azure) exporting to memory: every finished span and every metric the tests read.
/// </summary>
public sealed class TelemetryHubFixture : FanoutHubFixtureBase
{
    /// <summary>The Azure SDK reads its switch once, at its first client: set before anything in this assembly runs.</summary>
    [ModuleInitializer]
    internal static void EnableAzureSdkSpans() => AppContext.SetSwitch(HubTelemetry.AzureActivitySourceSwitch, true);

    public LockedList<Activity> Spans { get; } = new();

    public LockedList<MetricSnapshot> Metrics { get; } = new();

    /// <summary>A digest job composes its month a second after its run began (the digest tests' grace), not a minute.</summary>
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Hub:Digest:CutoffGrace"] = "00:00:01" };

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHubInstrumentation().AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddHubInstrumentation().AddInMemoryExporter(Metrics, reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue));

    /// <summary>Every metric as it stands now (cumulative), by name: exports now and reads what that export wrote.</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> MetricsNow()
    {
        Metrics.Clear();
        Assert.True(App.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), "The metrics were not exported.");
        return Metrics.ToArray().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }
}

/// <summary>A collection the exporter adds to on its thread while a test reads it on another.</summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item)
    {
        lock (_gate)
        {
            return _items.Contains(item);
        }
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_gate)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_gate)
        {
            return _items.Remove(item);
        }
    }

    public T[] ToArray()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using System.Diagnostics.Metrics;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// The hub's meter (<c>Mellanrum.Hub</c>) and every instrument on it, exactly as <c>infra/monitoring/metrics.json</c>
/// names them (the contract with the workbook and the alert rules; a test holds the two equal). Each instrument is
/// recorded through one method here, so its attributes are the ones the contract lists and nothing else: ids of
/// registered sources and fixed words, never a body, a key, an address or a path segment a caller chose.
/// </summary>
public static class HubMetrics
{
    public const string MeterName = "Mellanrum.Hub";

    /// <summary>A meter of the hub's own diagnostics, not part of the dashboard's contract (and not exported by default).</summary>
    public const string DiagnosticsMeterName = "Mellanrum.Hub.Diagnostics";

    public const string SourceKey = "hub.source";
    public const string OutcomeKey = "hub.outcome";
    public const string ReasonKey = "hub.reason";
    public const string ChannelKey = "hub.channel";

    /// <summary>What <see cref="SourceKey"/> says for a source that is not registered (or was never looked up).</summary>
    public const string UnknownSource = "unknown";

    // Before the instruments: the gauge's callback reads these.
    private static readonly Lock Gate = new();
    private static Func<long?>[] _rejectionCounts = [];

    // Before the instruments too: both lags share these buckets.
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    public static readonly Meter Meter = new(MeterName, "1.0");

    public static readonly Meter Diagnostics = new(DiagnosticsMeterName, "1.0");

    /// <summary>
    /// Work spent checking credentials, by <c>operation</c> (<c>hmac</c>, <c>key-compare</c>, <c>unprotect</c>): an
    /// unknown source costs the same as a known one with a wrong credential, which this makes visible.
    /// </summary>
    public static readonly Counter<long> CredentialOperations =
        Diagnostics.CreateCounter<long>("hub.credential.operations", "{operation}", "Credential checks done to authenticate requests.");

    public static readonly Counter<long> UpdatesAccepted = Meter.CreateCounter<long>(
        "hub.updates.accepted", "{update}", "An update answered 202 (stored) or 200 (a duplicate of one already stored), over HTTP or from the inbound queue.");

    public static readonly Counter<long> UpdatesRejected = Meter.CreateCounter<long>(
        "hub.updates.rejected", "{update}", "An update refused, by the answer's status code.");

    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram(
        "hub.ingest.duration", "s", "From the start of ingest to its answer (authenticate, normalise, store, hand to fan-out).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });

    public static readonly Histogram<double> FanoutLag = Meter.CreateHistogram(
        "hub.fanout.lag", "s", "From the update's receipt to the end of its fan-out: every channel delivered, dead-lettered or (a webhook, a retry) handed to the deliveries queue; recorded once per update.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

    public static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram(
        "hub.delivery.lag", "s", "From the update's receipt to its delivery on one partner channel, webhooks and retries included; a replay is not counted.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "hub.deliveries", "{delivery}", "One attempt's outcome on one partner channel.");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "hub.dead_letters", "{delivery}", "A delivery given up on (its retry schedule is spent, or its address is gone).");

    public static readonly UpDownCounter<long> CircuitsOpen = Meter.CreateUpDownCounter<long>(
        "hub.webhook.circuits_open", "{circuit}", "Webhook endpoints whose circuit this instance holds open (+1 on open, -1 on close); the dashboard sums the instances.");

    public static readonly ObservableGauge<long> RejectionsWaiting = Meter.CreateObservableGauge(
        "hub.rejections.waiting", ObserveRejectionsWaiting, "{rejection}",
        "Rejections stored and waiting (a count read from storage, the same on every instance); the dashboard takes the highest value reported.");

    public static readonly Counter<long> Digests = Meter.CreateCounter<long>(
        "hub.digests", "{digest}", "A partner's monthly digest, by what became of it.");

    /// <summary>The attribute keys of each instrument on <see cref="Meter"/>, as the contract lists them.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AttributeKeys = new Dictionary<string, string[]>
    {
        [UpdatesAccepted.Name] = [SourceKey, OutcomeKey],
        [UpdatesRejected.Name] = [SourceKey, ReasonKey],
        [IngestDuration.Name] = [SourceKey],
        [FanoutLag.Name] = [],
        [DeliveryLag.Name] = [ChannelKey],
        [Deliveries.Name] = [ChannelKey, OutcomeKey],
        [DeadLetters.Name] = [ChannelKey],
        [CircuitsOpen.Name] = [],
        [RejectionsWaiting.Name] = [],
        [Digests.Name] = [OutcomeKey],
    };

    public static void Accepted(string sourceId, bool duplicate) =>
        UpdatesAccepted.Add(1, new KeyValuePair<string, object?>(SourceKey, sourceId), new KeyValuePair<string, object?>(OutcomeKey, duplicate ? "duplicate" : "accepted"));

    /// <summary>A refused update; <paramref name="sourceId"/> is a registered source's id or <see cref="UnknownSource"/>. Statuses outside the contract's list are not counted.</summary>
    public static void Rejected(string sourceId, int status)
    {
        if (Reason(status) is { } reason)
        {
            UpdatesRejected.Add(1, new KeyValuePair<string, object?>(SourceKey, sourceId), new KeyValuePair<string, object?>(ReasonKey, reason));
        }
    }

    public static void Ingested(string sourceId, TimeSpan elapsed) =>
        IngestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(SourceKey, sourceId));

    public static void FannedOut(TimeSpan sinceReceipt) => FanoutLag.Record(Math.Max(0, sinceReceipt.TotalSeconds));

    /// <summary>An update delivered on a <paramref name="channel"/>, <paramref name="sinceReceipt"/> after the hub received it.</summary>
    public static void Delivered(string channel, TimeSpan sinceReceipt) =>
        DeliveryLag.Record(Math.Max(0, sinceReceipt.TotalSeconds), new KeyValuePair<string, object?>(ChannelKey, channel));

    /// <summary>One attempt on <paramref name="channel"/> (<c>servicebus</c>, <c>queue</c>, <c>webhook</c>) ending <c>delivered</c>, <c>retry</c> or <c>dead-letter</c>.</summary>
    public static void Delivery(string channel, string outcome) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>(ChannelKey, channel), new KeyValuePair<string, object?>(OutcomeKey, outcome));

    public static void DeadLetter(string channel) => DeadLetters.Add(1, new KeyValuePair<string, object?>(ChannelKey, channel));

    public static void CircuitOpened() => CircuitsOpen.Add(1);

    public static void CircuitClosed() => CircuitsOpen.Add(-1);

    /// <summary>One digest e-mail's end: <c>sent</c>, <c>skipped</c> (the recipient has it already) or <c>failed</c>.</summary>
    public static void Digest(string outcome) => Digests.Add(1, new KeyValuePair<string, object?>(OutcomeKey, outcome));

    /// <summary>
    /// Registers where <see cref="RejectionsWaiting"/> reads its value (a cached count, never a storage call on the
    /// exporter's thread); disposing the answer removes it. Each host registers one.
    /// </summary>
    public static IDisposable ObserveRejections(Func<long?> count)
    {
        lock (Gate)
        {
            _rejectionCounts = [.. _rejectionCounts, count];
        }

        return new Registration(count);
    }

    private static IEnumerable<Measurement<long>> ObserveRejectionsWaiting()
    {
        foreach (var count in Volatile.Read(ref _rejectionCounts))
        {
            if (count() is { } value)
            {
                yield return new Measurement<long>(value);
            }
        }
    }

    private static string? Reason(int status) => status switch
    {
        400 => "400",
        401 => "401",
        403 => "403",
        413 => "413",
        415 => "415",
        422 => "422",
        429 => "429",
        _ => null,
    };

    private sealed class Registration(Func<long?> count) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
            {
                _rejectionCounts = [.. _rejectionCounts.Where(c => c != count)];
            }
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// The value behind <c>hub.rejections.waiting</c>: how many rejections are open, counted in storage (so every instance
/// reports the same) at most every <see cref="RefreshInterval"/>. The exporter's callback never waits on storage: it
/// answers the last count and, when that is stale, starts the next read in the background (the first export after a
/// start therefore has no value yet).
/// </summary>
public sealed class RejectionGauge(RejectionStore rejections, TimeProvider time, ILogger<RejectionGauge> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);

    private const long Unknown = -1;

    private long _count = Unknown;
    private long _readAt;
    private int _reading;
    private IDisposable? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = HubMetrics.ObserveRejections(Observe);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _registration, null)?.Dispose();
    }

    /// <summary>Counts now (what the background read does); the count is what the gauge reports from then on.</summary>
    public async Task<long> RefreshAsync(CancellationToken cancellationToken)
    {
        var count = await rejections.CountOpenAsync(cancellationToken);
        Volatile.Write(ref _count, count);
        Volatile.Write(ref _readAt, time.GetTimestamp());
        return count;
    }

    private long? Observe()
    {
        var readAt = Volatile.Read(ref _readAt);
        if ((readAt == 0 || time.GetElapsedTime(readAt) >= RefreshInterval) && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            _ = ReadInBackgroundAsync();
        }

        var count = Volatile.Read(ref _count);
        return count == Unknown ? null : count;
    }

    private async Task ReadInBackgroundAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await RefreshAsync(timeout.Token);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            Volatile.Write(ref _readAt, time.GetTimestamp());
            logger.LogWarning("Could not count the waiting rejections ({Error}); the gauge keeps its last value", e.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}

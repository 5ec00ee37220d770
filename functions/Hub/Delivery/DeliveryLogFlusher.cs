using Microsoft.Extensions.Hosting;

namespace Mellanrum.Hub.Delivery;

/// <summary>Writes the delivery log's buffer when the host stops (registered after storage, so it stops before it).</summary>
public sealed class DeliveryLogFlusher(DeliveryLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => log.FlushAsync(cancellationToken);
}

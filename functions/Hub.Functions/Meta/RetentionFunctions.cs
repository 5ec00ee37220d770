using Mellanrum.Hub.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Meta;

/// <summary>The nightly retention sweep (<c>Hub:Retention</c>, docs/reliability.md "Retention").</summary>
public sealed class RetentionFunctions(RetentionSweep sweep)
{
    /// <summary>Nightly: delivery attempts, dead letters, rejections, audit entries (when set) and webhook-ids older than their retention are deleted.</summary>
    [Function(nameof(SweepRetention))]
    public Task SweepRetention([TimerTrigger("%HubRetentionSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.SweepAsync(cancellationToken);
}

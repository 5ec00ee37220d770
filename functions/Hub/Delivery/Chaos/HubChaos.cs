using System.Collections.Concurrent;
using System.Net;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Simmy;

namespace Mellanrum.Hub.Delivery.Chaos;

/// <summary>
/// The chaos pipelines built from <see cref="ChaosOptions"/>: <see cref="ResiliencePipeline.Empty"/> while chaos is off
/// (the default), so nothing is touched. <see cref="Storage"/> runs inside the Azure SDK's HTTP pipeline
/// (<see cref="ChaosPipelinePolicy"/>, per retry, so the SDK's own retries see the faults), <see cref="ServiceBus"/> around
/// each Service Bus send (AMQP has no HTTP pipeline), and <see cref="AddTo"/> puts the strategies into the webhook
/// client's resilience handler.
/// </summary>
public sealed class HubChaos(IOptions<ChaosOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);
    private long _faults;
    private long _latencies;
    private long _outcomes;

    /// <summary>For tests: decides each injection instead of a random draw (0 to 1, injected when below the rate).</summary>
    internal Func<double>? Randomizer { get; set; }

    public ChaosOptions Options => options.Value;

    /// <summary>How many faults, latencies and made-up outcomes were injected so far in this process (a drill's figures).</summary>
    public (long Faults, long Latencies, long Outcomes) Injected => (Interlocked.Read(ref _faults), Interlocked.Read(ref _latencies), Interlocked.Read(ref _outcomes));

    public ResiliencePipeline Storage => Pipeline("storage", () => new IOException("Chaos: injected storage fault."));

    public ResiliencePipeline ServiceBus => Pipeline("servicebus", () => new ServiceBusException("Chaos: injected Service Bus fault.", ServiceBusFailureReason.ServiceBusy));

    /// <summary>Adds fault, latency and outcome injection to a webhook pipeline (innermost, so its timeout sees the latency).</summary>
    public void AddTo(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        var chaos = options.Value;
        if (!chaos.IsOn)
        {
            return;
        }

        if (chaos.OutcomeRate > 0)
        {
            builder.AddChaosOutcome(new Polly.Simmy.Outcomes.ChaosOutcomeStrategyOptions<HttpResponseMessage>
            {
                InjectionRate = chaos.OutcomeRate,
                Randomizer = Randomizer ?? Random.Shared.NextDouble,
                OutcomeGenerator = _ => ValueTask.FromResult<Outcome<HttpResponseMessage>?>(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))),
                OnOutcomeInjected = _ => Count(ref _outcomes),
            });
        }

        if (chaos.FaultRate > 0)
        {
            builder.AddChaosFault(new Polly.Simmy.Fault.ChaosFaultStrategyOptions
            {
                InjectionRate = chaos.FaultRate,
                Randomizer = Randomizer ?? Random.Shared.NextDouble,
                FaultGenerator = _ => ValueTask.FromResult<Exception?>(new HttpRequestException(HttpRequestError.ConnectionError, "Chaos: injected webhook fault.")),
                OnFaultInjected = _ => Count(ref _faults),
            });
        }

        if (chaos.LatencyRate > 0)
        {
            builder.AddChaosLatency(new Polly.Simmy.Latency.ChaosLatencyStrategyOptions
            {
                InjectionRate = chaos.LatencyRate,
                Randomizer = Randomizer ?? Random.Shared.NextDouble,
                Latency = chaos.Latency,
                OnLatencyInjected = _ => Count(ref _latencies),
            });
        }
    }

    private static ValueTask Count(ref long counter)
    {
        Interlocked.Increment(ref counter);
        return ValueTask.CompletedTask;
    }

    private ResiliencePipeline Pipeline(string name, Func<Exception> fault) => _pipelines.GetOrAdd(name, _ =>
    {
        var chaos = options.Value;
        if (!chaos.IsOn)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (chaos.FaultRate > 0)
        {
            builder.AddChaosFault(new Polly.Simmy.Fault.ChaosFaultStrategyOptions
            {
                InjectionRate = chaos.FaultRate,
                Randomizer = Randomizer ?? Random.Shared.NextDouble,
                FaultGenerator = _ => ValueTask.FromResult<Exception?>(fault()),
                OnFaultInjected = _ => Count(ref _faults),
            });
        }

        if (chaos.LatencyRate > 0)
        {
            builder.AddChaosLatency(new Polly.Simmy.Latency.ChaosLatencyStrategyOptions
            {
                InjectionRate = chaos.LatencyRate,
                Randomizer = Randomizer ?? Random.Shared.NextDouble,
                Latency = chaos.Latency,
                OnLatencyInjected = _ => Count(ref _latencies),
            });
        }

        return builder.Build();
    });
}

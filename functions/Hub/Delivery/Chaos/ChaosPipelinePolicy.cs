using Azure.Core;
using Azure.Core.Pipeline;
using Polly;

namespace Mellanrum.Hub.Delivery.Chaos;

/// <summary>Runs an Azure SDK request through a chaos pipeline (added per retry, so the SDK's retry policy sees what it injects).</summary>
public sealed class ChaosPipelinePolicy(ResiliencePipeline chaos) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        chaos.Execute(_ => ProcessNext(message, pipeline), message.CancellationToken);

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        chaos.ExecuteAsync(async _ => await ProcessNextAsync(message, pipeline), message.CancellationToken);
}

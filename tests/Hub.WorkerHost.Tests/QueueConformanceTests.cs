using Mellanrum.Hub.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// Queue messages, good and bad, through the worker and through Hub.Local's own queue listener. Through the worker a
/// failure is a Failed invocation (the Functions host then retries and, after host.json's <c>maxDequeueCount</c>, moves
/// the message to <c>-poison</c>); Hub.Local's listener does that itself. The same message completes in both or fails in both.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class QueueConformanceTests(WorkerFixture fixture)
{
    public static TheoryData<string, string, bool> Messages() => new()
    {
        { "FanOut", """{"updateId":"01JCONFORMANCE0UNKNOWN0000"}""", true },
        { "FanOut", "not json", false },
        { "FanOut", """{"updateId":42}""", false },
        { "FanOut", """{"updateId":null}""", true },
        { "IngestQueuedUpdate", "this is not json", true },
        { "IngestQueuedUpdate", """{"sourceId":"conformance-nobody","contentType":"application/json","body":{"title":"T"}}""", true },
        { "KeepPoisonedUpdate", "this is not json either", true },
        { "DeliverWebhook", "not json", false }, // kept: retried, then left in deliveries-poison
        { "KeepPoisonedDelivery", "not json", false }, // kept: in the poison queue's own poison queue
        { "DeliverWebhook", """{"partnerId":"conformance-nobody","updateId":"01JCONFORMANCE0UNKNOWN0000","url":"https://example.invalid/hook","attempt":1,"body":"{}","firstAttemptAt":"2026-11-19T08:00:00Z"}""", true },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Message_CompletesOrFails_ThroughTheWorker_AsInHubLocal(string function, string message, bool completes)
    {
        var worker = await fixture.Pair.WorkerQueueAsync(function, message);
        var local = await fixture.Pair.LocalQueueAsync(function, message);

        Assert.Equal(completes ? InvocationStatus.Succeeded : InvocationStatus.Failed, worker.Status);
        Assert.True(local.Succeeded == completes, $"Hub.Local: {local}; worker: {worker}");
        if (completes)
        {
            Assert.Equal(1, local.Attempts);
        }
        else
        {
            var maxDequeueCount = fixture.Pair.Local.Services.GetRequiredService<ServedFunctions>().HostJson.Queues.MaxDequeueCount;
            Assert.Equal(maxDequeueCount, local.Attempts);
            Assert.Equal(message, local.Poisoned);
            Assert.Equal(local.Failure!.GetType().FullName, worker.ExceptionType);
        }
    }
}

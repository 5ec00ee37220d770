using Mellanrum.Hub.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>Each function the SDK wrote into <c>functions.metadata</c>: indexed by the worker with the same trigger, loaded, and served by Hub.Local alike.</summary>
[Collection(WorkerCollection.Name)]
public sealed class IndexingConformanceTests(WorkerFixture fixture)
{
    [Theory]
    [MemberData(nameof(FunctionsMetadata.Names), MemberType = typeof(FunctionsMetadata))]
    public void Function_IsIndexedByTheWorker_Loads_AndHubLocalServesTheSameTrigger(string name)
    {
        var written = FunctionsMetadata.Named(name);

        var indexed = Assert.Single(fixture.Pair.Worker.Functions, f => f.Name == name);
        Assert.True(indexed.Load.Succeeded, $"{name} did not load: {indexed.Load.Error}");
        Assert.Equal(written.ToString(), new WrittenFunction(indexed.Name, indexed.Trigger.Type, indexed.Trigger.Route, indexed.Trigger.Methods, indexed.Trigger.QueueName, indexed.Trigger.Schedule).ToString());

        var served = Assert.Single(fixture.Pair.Local.Services.GetRequiredService<ServedFunctions>().Functions, f => f.Name == name);
        var servedAs = served.Trigger switch
        {
            Trigger.Http http => new WrittenFunction(name, "httpTrigger", http.Route, http.Methods, null, null),
            Trigger.Queue queue => new WrittenFunction(name, "queueTrigger", null, [], queue.QueueName, null),
            Trigger.Timer timer => new WrittenFunction(name, "timerTrigger", null, [], null, timer.Schedule),
            _ => throw new InvalidOperationException($"Hub.Local serves {name} with a {served.Trigger.GetType().Name}."),
        };
        Assert.Equal(written.ToString(), servedAs.ToString());
    }
}

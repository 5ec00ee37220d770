using System.Text.Json;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>The worker starts as under the Functions host, indexes every function the SDK wrote down, and loads each.</summary>
[Collection(WorkerCollection.Name)]
public sealed class StartupTests(WorkerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void EveryFunctionInFunctionsMetadata_IsIndexedByTheWorker_AndLoads()
    {
        output.WriteLine($"start to ready: {fixture.Worker.StartToReady.TotalMilliseconds:F0} ms");
        foreach (var f in fixture.Worker.Functions)
        {
            output.WriteLine($"{f.Name} {f.Trigger.Type} {f.Load}");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerFixture.WorkerDirectory, "functions.metadata")));
        var expected = document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, fixture.Worker.Functions.Select(f => f.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.All(fixture.Worker.Functions, f => Assert.True(f.Load.Succeeded, $"{f.Name}: {f.Load.Error}"));
    }
}

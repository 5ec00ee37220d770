using System.Text.Json;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>The worker starts as under the Functions host, indexes every function the SDK wrote down, and loads each.</summary>
[Collection(WorkerCollection.Name)]
public sealed class StartupTests(WorkerFixture fixture, ITestOutputHelper output)
{
    private sealed record Trigger(string Function, string Type, string? Route, string Methods, string? QueueName, string? Schedule);

    [Fact]
    public void EveryFunctionInFunctionsMetadata_IsIndexedByTheWorker_AndLoads()
    {
        output.WriteLine($"start to ready: {fixture.Worker.StartToReady.TotalMilliseconds:F0} ms, worker {fixture.Worker.WorkerVersion}");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerFixture.WorkerDirectory, "functions.metadata")));
        var written = document.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var value) ? value.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? string.Join(',', m.EnumerateArray().Select(x => x.GetString())) : string.Empty;
            return new Trigger(f.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!, Text("route"), methods, Text("queueName"), Text("schedule"));
        }).OrderBy(t => t.Function, StringComparer.Ordinal).ToArray();

        var indexed = fixture.Worker.Functions
            .Select(f => new Trigger(f.Name, f.Trigger.Type, f.Trigger.Route, string.Join(',', f.Trigger.Methods), f.Trigger.QueueName, f.Trigger.Schedule))
            .OrderBy(t => t.Function, StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(written);
        Assert.Equal(written, indexed);
        Assert.All(fixture.Worker.Functions, f => Assert.True(f.Load.Succeeded, $"{f.Name}: {f.Load.Error}"));
    }

    [Fact]
    public async Task Worker_DeclaresTheAspNetCoreHttpUri_AndListensThere()
    {
        var httpUri = fixture.Worker.HttpUri;

        Assert.NotNull(httpUri);
        Assert.Equal("True", fixture.Worker.Capabilities["HandlesWorkerTerminateMessage"]);
        var listening = await fixture.Worker.WaitForLogAsync(l => l.Category == "Microsoft.Hosting.Lifetime" && l.Message.StartsWith("Now listening on", StringComparison.Ordinal));
        Assert.Contains($":{httpUri.Port}", listening.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryQueueAndSchedule_TheTriggersName_ResolvesFromTheAppSettings()
    {
        var resolved = fixture.Worker.Functions
            .Where(f => f.Trigger.QueueName is not null || f.Trigger.Schedule is not null)
            .ToDictionary(f => f.Name, f => fixture.Worker.Resolve(f.Trigger.QueueName ?? f.Trigger.Schedule!));

        Assert.Equal("inbound-updates", resolved["IngestQueuedUpdate"]);
        Assert.Equal("inbound-updates-poison", resolved["KeepPoisonedUpdate"]);
        Assert.Equal("fanout", resolved["FanOut"]);
        Assert.Equal("deliveries", resolved["DeliverWebhook"]);
        Assert.Equal("0 */2 * * * *", resolved["SweepFanout"]);
        Assert.All(resolved.Values, v => Assert.DoesNotContain("%", v, StringComparison.Ordinal));
    }
}

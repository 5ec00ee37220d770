using System.Net;
using Mellanrum.Hub.Local;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>Workers started without working storage, each on its own: what the host reports when things go wrong.</summary>
public sealed class UnconfiguredWorkerTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Environment(string? storage)
    {
        var environment = HubLocalHost.DefaultSettings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["Hub__AdminKey"] = WorkerFixture.AdminKey;
        environment["AzureWebJobsStorage"] = storage;
        return environment;
    }

    [Fact]
    public async Task WorkerWithoutStorageSetting_FailsToStart_WithItsExitCodeAndError()
    {
        var options = new WorkerHostOptions(WorkerFixture.WorkerDirectory) { Environment = Environment(storage: null) };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => WorkerHost.StartAsync(options));

        output.WriteLine(failure.Message);
        Assert.Contains("exited with code 134", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Set AzureWebJobsStorage", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerWithUnreachableStorage_FailedHttpInvocation_Answers500_AndTheWorkerEndsCleanlyOnTerminate()
    {
        var storage = AzuriteProcess.ConnectionStringFor(AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());
        await using var worker = await WorkerHost.StartAsync(new WorkerHostOptions(WorkerFixture.WorkerDirectory) { Environment = Environment(storage) });

        using var response = await worker.InvokeHttpAsync("ListCollaborations", WorkerFixture.Request(HttpMethod.Get, "/api/v1/collaborations"));

        // The worker gave up on storage and the invocation failed; the host answers 500 with no body, as Azure does.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(worker.Logs, l => l.Level == "Error" && l.Message.Contains("ListCollaborations", StringComparison.Ordinal));
        var exit = await worker.StopAsync();
        Assert.Equal(0, exit.ExitCode);
        Assert.False(exit.Killed);
    }
}

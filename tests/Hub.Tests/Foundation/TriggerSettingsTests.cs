using System.Diagnostics;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

/// <summary>
/// Queue names and schedules have one source of truth (functions/Hub/Foundation/trigger-settings.json): the other
/// places that name them agree with it.
/// </summary>
public sealed class TriggerSettingsTests
{
    [Fact]
    public void Defaults_NameEverySettingTheTriggersUse()
    {
        Assert.Equal(
            ["HubCollaborationIndexSchedule", "HubDeliveriesQueue", "HubDigestSchedule", "HubDigestsQueue", "HubFanoutQueue", "HubFanoutSweepSchedule", "HubInboundQueue", "HubRetentionSweepSchedule"],
            TriggerSettings.Defaults.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("0 0 5,6 1 * *", DigestSchedule.Cron);
    }

    [Fact]
    public void LocalSettingsSample_AgreesWithTheDefaults()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "functions", "Hub.Functions", "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");

        foreach (var (name, value) in TriggerSettings.Defaults)
        {
            Assert.Equal(value, values.GetProperty(name).GetString());
        }
    }

    [Fact]
    public void BicepTemplate_CompiledToArm_SetsTheDefaultsAsAppSettings()
    {
        var arm = Bicep.BuildMainTemplate();

        // loadJsonContent inlines the file as a variable; the app settings are that object with the others.
        var loaded = arm.GetProperty("variables").EnumerateObject()
            .Select(v => v.Value)
            .First(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty(TriggerSettings.InboundQueue, out _));
        foreach (var (name, value) in TriggerSettings.Defaults)
        {
            Assert.Equal(value, loaded.GetProperty(name).GetString());
        }
    }

    [Fact]
    public void BicepTemplate_DeclaresEveryQueueTheTriggersName()
    {
        var arm = Bicep.BuildMainTemplate().GetRawText();

        foreach (var (name, setting) in HubStorage.QueueSettings)
        {
            // main.bicep reads each queue name from the loaded settings and hands it to the storage module's queueNames.
            Assert.Contains($"variables('triggerSettings').{setting}", arm, StringComparison.Ordinal);
            Assert.Contains(name, TriggerSettings.Defaults[setting], StringComparison.Ordinal);
        }

        Assert.Contains(HubStorage.DigestsQueue, HubStorage.QueueSettings.Keys);
        var bicep = File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.bicep"));
        var queueList = bicep[bicep.IndexOf("queueNames: [", StringComparison.Ordinal)..];
        queueList = queueList[..queueList.IndexOf(']', StringComparison.Ordinal)];
        foreach (var setting in HubStorage.QueueSettings.Values)
        {
            var variable = bicep.Split('\n').Single(l => l.Contains($"= triggerSettings.{setting}", StringComparison.Ordinal)).Split('=')[0].Replace("var ", "", StringComparison.Ordinal).Trim();
            Assert.Contains(variable, queueList, StringComparison.Ordinal);
        }
    }
}

/// <summary>Where the repository is, seen from a test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Hub.sln not found above the test's folder.");
    }
}

/// <summary>The Bicep CLI that <c>tools/bicep.sh</c> restores from NuGet, building <c>infra/main.bicep</c> to ARM JSON.</summary>
internal static class Bicep
{
    public static JsonElement BuildMainTemplate()
    {
        var start = new ProcessStartInfo("bash", ["tools/bicep.sh", "--", "build", "infra/main.bicep", "--stdout"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "bicep build did not finish in 3 minutes");
        Assert.True(process.ExitCode == 0, "bicep build failed: " + errors.Result);
        return JsonDocument.Parse(output.Result).RootElement.Clone();
    }
}

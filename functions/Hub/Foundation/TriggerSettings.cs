using System.Reflection;
using System.Text.Json;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// The app settings the triggers' <c>%...%</c> expressions name (queue names and NCRONTAB schedules, six fields, UTC),
/// with their defaults. The one source of truth is <c>trigger-settings.json</c> beside this file: embedded here for
/// Hub.Local's defaults, the queue names the hub sends to and the digest's schedule; loaded by <c>infra/main.bicep</c>
/// with <c>loadJsonContent</c>; and checked against <c>local.settings.sample.json</c> by a test.
/// </summary>
public static class TriggerSettings
{
    public const string InboundQueue = "HubInboundQueue";
    public const string FanoutQueue = "HubFanoutQueue";
    public const string DeliveriesQueue = "HubDeliveriesQueue";

    /// <summary>The digest's jobs: one message per month run, then one per batch of partners.</summary>
    public const string DigestsQueue = "HubDigestsQueue";
    public const string FanoutSweepSchedule = "HubFanoutSweepSchedule";
    public const string RetentionSweepSchedule = "HubRetentionSweepSchedule";
    public const string CollaborationIndexSchedule = "HubCollaborationIndexSchedule";

    /// <summary>The digest timer fires at 05:00 and 06:00 UTC on the 1st; the app acts on the one that is 07:00 in Stockholm.</summary>
    public const string DigestSchedule = "HubDigestSchedule";

    /// <summary>Every setting and its default value.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = Load();

    private static Dictionary<string, string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mellanrum.Hub.trigger-settings.json")
            ?? throw new InvalidOperationException("trigger-settings.json is not embedded.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? throw new InvalidDataException("trigger-settings.json is empty.");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Normalisation;

internal static class NormalisationTestSupport
{
    public const string Nacka = "0182";

    public static readonly DateTimeOffset Now = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);

    public static readonly UpdateNormaliser Normaliser = new();

    public static NormalisationContext Context(MappingProfile? profile = null, DateTimeOffset? now = null, string organisation = Nacka) =>
        new("nacka-diarium", organisation, profile, now ?? Now);

    public static NormalisationResult Normalise(string json, MappingProfile? profile = null, DateTimeOffset? now = null)
    {
        using var document = JsonDocument.Parse(json);
        return Normaliser.Normalise(document.RootElement, Context(profile, now));
    }

    /// <summary>The update as canonical JSON, the way the hub writes it (times in UTC with Z, no nulls, no empty lists).</summary>
    public static JsonObject ToJson(CanonicalUpdate update)
    {
        var node = JsonSerializer.SerializeToNode(update, HubJson.Options)!.AsObject();
        node["occurredAt"] = UtcDateTimeOffsetConverter.Format(update.OccurredAt);
        foreach (var name in node.Where(p => p.Value is JsonArray { Count: 0 }).Select(p => p.Key).ToList())
        {
            node.Remove(name);
        }

        return node;
    }

    public static string Describe(NormalisationResult result) =>
        result.IsValid
            ? ToJson(result.Update!).ToJsonString(HubJson.Options)
            : string.Join("; ", result.Errors.Select(e => $"{e.Property}: {e.Reason} [{e.Value}]"));
}

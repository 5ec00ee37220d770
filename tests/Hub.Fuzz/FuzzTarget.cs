using System.Text.Json;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Fuzz;

/// <summary>
/// One fuzz input: bytes parsed as JSON (unreadable JSON is an expected answer, a 400, not a crash), then normalised
/// as a canonical update and through a profile, and read as a profile and validated. Any other exception is a crash,
/// and so is a result that is neither valid nor has errors.
/// </summary>
public static class FuzzTarget
{
    private static readonly UpdateNormaliser Normaliser = new();

    private static readonly MappingProfile Profile = new(
        new Dictionary<string, string>
        {
            ["externalId"] = "/arende/id", ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik",
            ["summary"] = "/beskrivning", ["occurredAt"] = "/datum", ["participants"] = "/kommuner", ["status"] = "/status",
            ["links"] = "/lankar", ["tags"] = "/0/a~1b",
        },
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["kind"] = new Dictionary<string, string> { ["Beslut"] = "decision" },
            ["participants"] = new Dictionary<string, string> { ["NAC"] = "0182" },
        },
        new Dictionary<string, JsonElement> { ["area"] = JsonSerializer.SerializeToElement("skola") });

    private static readonly DateTimeOffset Now = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);

    public static void Run(ReadOnlySpan<byte> input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return;
        }

        using (document)
        {
            Check(Normaliser.Normalise(document.RootElement, new NormalisationContext("fuzz", "0182", null, Now)));
            Check(Normaliser.Normalise(document.RootElement, new NormalisationContext("fuzz", "556016-0680", Profile, Now)));
        }

        MappingProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<MappingProfile>(input, HubJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return; // not a profile's shape: the admin API answers 400
        }

        if (profile?.Fields is not null)
        {
            var errors = MappingProfileValidator.Validate(profile);
            if (errors.Count == 0)
            {
                using var again = JsonDocument.Parse(input.ToArray());
                Check(Normaliser.Normalise(again.RootElement, new NormalisationContext("fuzz", "0182", profile, Now)));
            }
        }
    }

    private static void Check(NormalisationResult result)
    {
        if (result.IsValid == result.Errors.Count > 0 || (result.Update is null) == result.IsValid)
        {
            throw new InvalidOperationException("A result must be either an update or errors.");
        }
    }
}

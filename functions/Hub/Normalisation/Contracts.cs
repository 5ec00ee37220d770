using System.Text.Json;
using System.Text.Json.Serialization;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>Who sent the payload and how their format reads.</summary>
public sealed record NormalisationContext(string SourceId, string Organisation, MappingProfile? Profile, DateTimeOffset Now);

/// <summary>Either a canonical update or every error found, never both.</summary>
public sealed record NormalisationResult(CanonicalUpdate? Update, IReadOnlyList<InvalidParameter> Errors)
{
    public bool IsValid => Update is not null && Errors.Count == 0;

    public static NormalisationResult Success(CanonicalUpdate update) => new(update, []);

    public static NormalisationResult Failure(IReadOnlyList<InvalidParameter> errors) => new(null, errors);
}

/// <summary>Any accepted update shape in, one canonical update (or every error) out. Pure: no I/O.</summary>
public interface IUpdateNormaliser
{
    NormalisationResult Normalise(JsonElement payload, NormalisationContext context);
}

/// <summary>
/// A source's own JSON described for the hub: canonical fields read by JSON Pointer (RFC 6901),
/// its own words mapped to ours, defaults for the rest.
/// </summary>
public sealed record MappingProfile(
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields,
    [property: JsonPropertyName("values")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Values = null,
    [property: JsonPropertyName("defaults")] IReadOnlyDictionary<string, JsonElement>? Defaults = null);

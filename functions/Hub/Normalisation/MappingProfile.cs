using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// A source's own JSON described for the hub: canonical fields read by JSON Pointer (RFC 6901),
/// its own words mapped to ours, defaults for the rest.
/// </summary>
public sealed record MappingProfile(
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields,
    [property: JsonPropertyName("values")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Values = null,
    [property: JsonPropertyName("defaults")] IReadOnlyDictionary<string, JsonElement>? Defaults = null);

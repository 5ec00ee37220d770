using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Foundation;

/// <summary>One failing field of a 422, as the contract's <c>invalid-parameters</c> lists it.</summary>
public sealed record InvalidParameter(
    [property: JsonPropertyName("property")] string Property,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("value")] string? Value = null);

using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Collaborations;

/// <summary>A samverkan as the hub knows it: created on its first update and kept current by each later one.</summary>
public sealed record Collaboration(
    string Id,
    string Title,
    string? Area,
    string? Status,
    IReadOnlyList<string> Participants,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset FirstActivity,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset LastActivity,
    int UpdateCount);

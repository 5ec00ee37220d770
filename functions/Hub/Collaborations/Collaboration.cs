using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// A samverkan: an object of its own, with a name, an owner and members. Created by the first update that names an
/// unknown id (or by <c>PUT /api/v1/collaborations/{id}</c>); only its members speak for it (<see cref="CollaborationRules"/>).
/// </summary>
public sealed record Collaboration(
    string Id,
    string Name,
    string? Description,
    string? Form,
    string? Area,
    string? Status,
    string Owner,
    IReadOnlyList<Member> Members,
    bool Public,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset FirstActivity,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset LastActivity,
    int UpdateCount)
{
    /// <summary>At most this many members: every municipality and region of Sweden fits.</summary>
    public const int MaxMembers = 400;

    /// <summary>The forms of Kommunallagen ch. 9 and the informal ones.</summary>
    public static readonly IReadOnlyList<string> Forms = ["avtalssamverkan", "kommunalforbund", "gemensam-namnd", "bolag", "projekt", "natverk"];

    /// <summary>At most this many tags are kept of a collaboration's updates.</summary>
    public const int MaxTags = 50;

    /// <summary>The tags its updates carried, the latest update's first, each once (case ignored), at most <see cref="MaxTags"/>; absent when none.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary><paramref name="latest"/> first, then those of <paramref name="earlier"/> not among them; null when none.</summary>
    public static IReadOnlyList<string>? MergeTags(IEnumerable<string>? latest, IEnumerable<string>? earlier)
    {
        var tags = (latest ?? []).Concat(earlier ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxTags).ToArray();
        return tags.Length == 0 ? null : tags;
    }

    public bool IsMember(string organisation) => Members.Any(m => m.Organisation == organisation);

    /// <summary>The members' organisations, sorted.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Organisations => [.. Members.Select(m => m.Organisation).Order(StringComparer.Ordinal)];
}

/// <summary>An organisation taking part in a collaboration, and since when.</summary>
public sealed record Member(
    string Organisation,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset Since);

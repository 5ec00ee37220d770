using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Updates;

/// <summary>A link attached to an update; https only after normalisation.</summary>
public sealed record UpdateLink(string? Title, string Url);

/// <summary>
/// What normalisation makes of any accepted format: the canonical update, before the hub gives it identity.
/// Times are UTC; participants are kommunkoder or organisationsnummer, sorted, without the sender.
/// </summary>
public sealed record CanonicalUpdate(
    string? ExternalId,
    string Collaboration,
    string Kind,
    string Title,
    string? Summary,
    string? Status,
    string? Area,
    IReadOnlyList<string> Participants,
    DateTimeOffset OccurredAt,
    IReadOnlyList<UpdateLink> Links,
    IReadOnlyList<string> Tags,
    string? CollaborationName = null);

/// <summary>
/// The normalised update: as stored, returned by <c>GET /api/v1/updates/{id}</c> and sent to partners. Its
/// <c>participants</c> are as sent (and the sender); the collaboration's members are the collaboration's own.
/// <c>collaborationName</c>, when given, named the collaboration if this update created it.
/// </summary>
public sealed record NormalisedUpdate(
    string Id,
    string SourceId,
    string? ExternalId,
    string Organisation,
    string Collaboration,
    string Kind,
    string Title,
    string? Summary,
    string? Status,
    string? Area,
    IReadOnlyList<string> Participants,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset OccurredAt,
    [property: JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset ReceivedAt,
    IReadOnlyList<UpdateLink> Links,
    IReadOnlyList<string> Tags,
    string? CollaborationName = null)
{
    /// <summary>Gives a canonical update its identity: the sender always counts as a participant.</summary>
    public static NormalisedUpdate Create(string id, string sourceId, string organisation, CanonicalUpdate update, DateTimeOffset receivedAt) =>
        new(
            id,
            sourceId,
            update.ExternalId,
            organisation,
            update.Collaboration,
            update.Kind,
            update.Title,
            update.Summary,
            update.Status,
            update.Area,
            update.Participants.Append(organisation).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            update.OccurredAt.ToUniversalTime(),
            receivedAt.ToUniversalTime(),
            update.Links,
            update.Tags,
            update.CollaborationName);
}

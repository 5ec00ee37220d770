using Mellanrum.Hub.Updates;
using NodaTime;

namespace Mellanrum.Hub.Digest;

/// <summary>One partner's digest for one month, ready to render; null from the composer when the month is empty.</summary>
public sealed record PartnerDigest(
    string PartnerId,
    string Organisation,
    string OrganisationName,
    DigestMonth Month,
    string Language,
    IReadOnlyList<DigestCollaborationSection> Collaborations,
    IReadOnlyList<DigestNewsItem> News,
    IReadOnlyList<DigestSuggestion> Suggestions)
{
    /// <summary>Own collaborations with updates beyond the ones shown in full, listed by title and count only.</summary>
    public IReadOnlyList<DigestCollaborationMention> MoreCollaborations { get; init; } = [];

    /// <summary>"Rapporterat i efterhand": updates of earlier months in its collaborations, stored after that month's digest was composed.</summary>
    public IReadOnlyList<DigestCollaborationSection> Late { get; init; } = [];
}

/// <summary>An own collaboration listed without its updates (the digest shows the first ones in full).</summary>
public sealed record DigestCollaborationMention(string CollaborationId, string Title, int UpdateCount);

/// <summary>(a) A collaboration the partner takes part in, with the month's updates, decisions and status changes first.</summary>
public sealed record DigestCollaborationSection(
    string CollaborationId,
    string Title,
    string? Status,
    IReadOnlyList<DigestUpdateItem> Updates,
    int MoreUpdates);

/// <summary>One update as the digest shows it; <see cref="Date"/> is the day it occurred in Stockholm.</summary>
public sealed record DigestUpdateItem(
    string UpdateId,
    string Kind,
    string Title,
    string? Summary,
    LocalDate Date,
    string SenderOrganisation,
    string SenderName,
    string? Status,
    bool IsHighlight,
    IReadOnlyList<UpdateLink> Links);

public enum DigestNewsKind
{
    NewCollaboration,
    CallForPartners,
}

/// <summary>(b) A new collaboration or a call for partners in the partner's areas or county.</summary>
public sealed record DigestNewsItem(
    DigestNewsKind Kind,
    string CollaborationId,
    string Title,
    string? Summary,
    string? Area,
    LocalDate Date,
    IReadOnlyList<string> OrganisationNames,
    bool InArea,
    bool InCounty);

/// <summary>(c) "I mellanrummet": a collaboration elsewhere that reads like one of the partner's own.</summary>
public sealed record DigestSuggestion(
    string CollaborationId,
    string Title,
    IReadOnlyList<string> OrganisationNames,
    string LikeCollaborationId,
    string LikeCollaborationTitle,
    IReadOnlyList<string> SharedWords,
    double Score);

namespace Mellanrum.Hub.Normalisation;

/// <summary>The canonical update's fields, as the contract names them.</summary>
public static class CanonicalFields
{
    public const string ExternalId = "externalId";
    public const string Collaboration = "collaboration";
    public const string Kind = "kind";
    public const string Title = "title";
    public const string Summary = "summary";
    public const string Status = "status";
    public const string Area = "area";
    public const string Participants = "participants";
    public const string OccurredAt = "occurredAt";
    public const string Links = "links";
    public const string Tags = "tags";
    public const string CollaborationName = "collaborationName";

    public static readonly IReadOnlyList<string> All =
        [ExternalId, Collaboration, Kind, Title, Summary, Status, Area, Participants, OccurredAt, Links, Tags, CollaborationName];

    /// <summary>Fields whose source words a profile may map to ours.</summary>
    public static readonly IReadOnlyList<string> Mappable = [Collaboration, Kind, Status, Area, Participants, Tags];

    /// <summary>Fields that cannot have a default: every update has its own.</summary>
    public static readonly IReadOnlyList<string> WithoutDefault = [ExternalId, OccurredAt, CollaborationName];

    internal static int IndexOf(string field)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], field, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

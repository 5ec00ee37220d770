using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Collaborations;

/// <summary>
/// Who may speak for a collaboration, as a table: Nacka (0182) owns e-arkiv-sodertorn; Haninge (0136) is a member
/// Nacka named in an update; Upplands Väsby (0114) is a stranger; and the admin.
/// </summary>
public sealed class CollaborationRulesTests
{
    private const string Owner = "0182";
    private const string Named = "0136";
    private const string Stranger = "0114";

    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2026-03-19T08:00:00Z");

    private static readonly Collaboration EArkiv = new(
        "e-arkiv-sodertorn", "Gemensam upphandling av e-arkiv", null, "avtalssamverkan", "digitalisering", "active", Owner,
        [new Member(Owner, Since), new Member(Named, Since)], true, Since, Since, Since, 2);

    public static TheoryData<string, string, bool> Cases => new()
    {
        // who, what, allowed
        { "owner", "post", true },
        { "named", "post", true },
        { "stranger", "post", false },
        { "owner", "add participant", true },
        { "named", "add participant", true },
        { "stranger", "add participant", false },
        { "owner", "rename", true },
        { "named", "rename", true },
        { "stranger", "rename", false },
        { "admin", "rename", true },
        { "owner", "leave", false },
        { "named", "leave", true },
        { "stranger", "leave", false },
        { "admin", "leave", true },
        { "owner", "hand over", true },
        { "named", "hand over", false },
        { "stranger", "hand over", false },
        { "admin", "hand over", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rules_FollowTheContractsTable(string who, string what, bool allowed)
    {
        var caller = who switch
        {
            "admin" => Caller.Admin,
            "owner" => Source(Owner),
            "named" => Source(Named),
            _ => Source(Stranger),
        };
        var organisation = caller.Organisation ?? Owner;

        var problem = what switch
        {
            "post" => CollaborationRules.MayPost(EArkiv, organisation, [organisation]),
            "add participant" => CollaborationRules.MayPost(EArkiv, organisation, [organisation, "0127"]),
            "rename" => CollaborationRules.MayChange(EArkiv, caller, new CollaborationChange(Name: "Avslutat")),
            // The admin removes a member; a source leaves for its own organisation.
            "leave" => CollaborationRules.MayRemove(EArkiv, caller, caller.IsAdmin ? Named : organisation),
            "hand over" => CollaborationRules.MayChange(EArkiv, caller, new CollaborationChange(Owner: who is "owner" or "admin" ? Named : organisation)),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        Assert.True(allowed == problem is null, $"{who} {what}: {problem?.Detail}");
    }

    [Fact]
    public void MayPost_Stranger_IsA403NamingCollaboration()
    {
        var problem = CollaborationRules.MayPost(EArkiv, Stranger, [Stranger, "0180"]);

        Assert.Equal(403, problem!.Status);
        Assert.Equal("collaboration", Assert.Single(problem.InvalidParameters).Property);
    }

    [Fact]
    public void MayPost_UnknownCollaboration_CreatesIt()
    {
        Assert.Null(CollaborationRules.MayPost(null, Stranger, [Stranger, "0180"]));
    }

    [Fact]
    public void MayPost_PastFourHundredMembers_IsA422NamingParticipants()
    {
        var participants = Enumerable.Range(0, 399).Select(i => $"x{i:D3}").Append(Owner).ToArray();

        var problem = CollaborationRules.MayPost(EArkiv, Owner, participants);

        Assert.Equal(422, problem!.Status);
        Assert.Equal("participants", Assert.Single(problem.InvalidParameters).Property);
    }

    [Fact]
    public void MayRemove_Owner_IsAConflict_HandOverFirst()
    {
        Assert.Equal(409, CollaborationRules.MayRemove(EArkiv, Source(Owner), Owner)!.Status);
    }

    [Fact]
    public void MayChange_MemberMakingItNotPublic_IsForbidden_OwnerMay()
    {
        Assert.Equal("public", Assert.Single(CollaborationRules.MayChange(EArkiv, Source(Named), new CollaborationChange(Public: false))!.InvalidParameters).Property);
        Assert.Null(CollaborationRules.MayChange(EArkiv, Source(Owner), new CollaborationChange(Public: false)));
    }

    [Fact]
    public void MayChange_HandOverToAStranger_IsA422NamingOwner()
    {
        var problem = CollaborationRules.MayChange(EArkiv, Source(Owner), new CollaborationChange(Owner: Stranger));

        Assert.Equal(422, problem!.Status);
        Assert.Equal("owner", Assert.Single(problem.InvalidParameters).Property);
    }

    [Fact]
    public void MaySee_NotPublic_OnlyMembersAndTheAdmin()
    {
        var hidden = EArkiv with { Public = false };

        Assert.True(CollaborationRules.MaySee(hidden, Source(Named)));
        Assert.True(CollaborationRules.MaySee(hidden, Caller.Admin));
        Assert.False(CollaborationRules.MaySee(hidden, Source(Stranger)));
        Assert.False(CollaborationRules.MaySee(hidden, Caller.Anonymous));
    }

    private static Caller Source(string organisation) => new Caller.SourceCaller($"system-{organisation}", organisation);
}

using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Partners;

public sealed class RouterTests
{
    // Nacka (0182, Stockholms län 01) sends about e-arkiv-sodertorn with Tyresö (0138) and Botkyrka (0127).
    private static readonly NormalisedUpdate Update = new(
        "aaaaaaaaaaaaaaaaaaaaaaaaaa", "nacka-diarium", "KS-1", "0182", "e-arkiv-sodertorn", "decision", "Beslut", null, "active", "digitalisering",
        ["0127", "0138", "0182"], DateTimeOffset.Parse("2026-03-19T08:00:00Z"), DateTimeOffset.Parse("2026-03-19T08:00:03Z"), [], []);

    private static Partner P(string id, string organisation, PartnerFilters? filters = null, bool includeOwn = false) =>
        new(id, organisation, [new PartnerChannel("queue")], filters ?? new PartnerFilters(), includeOwn, null);

    public static TheoryData<string, Partner, string[], bool> Cases => new()
    {
        { "participant in the update", P("tyreso", "0138"), [], true },
        { "participant only in the collaboration so far", P("huddinge", "0126"), ["0126"], true },
        { "the sender itself", P("nacka", "0182"), [], false },
        { "the sender, asking for its own", P("nacka", "0182", includeOwn: true), [], true },
        { "outsider without filters", P("kiruna", "2584"), [], false },
        { "outsider filtering on the area", P("kiruna", "2584", new PartnerFilters(Areas: ["digitalisering"])), [], true },
        { "outsider filtering on another area", P("kiruna", "2584", new PartnerFilters(Areas: ["utbildning"])), [], false },
        { "outsider filtering on the kind", P("kiruna", "2584", new PartnerFilters(Kinds: ["decision"])), [], true },
        { "outsider filtering on area and another kind", P("kiruna", "2584", new PartnerFilters(Areas: ["digitalisering"], Kinds: ["meeting"])), [], false },
        { "outsider filtering on a participant", P("kiruna", "2584", new PartnerFilters(Organisations: ["0127"])), [], true },
        { "outsider filtering on the participants' county", P("skane", "1280", new PartnerFilters(Counties: ["01"])), [], true },
        { "outsider filtering on another county", P("skane", "1280", new PartnerFilters(Counties: ["12"])), [], false },
        { "outsider filtering on the collaboration", P("sjukvard", "232100-0016", new PartnerFilters(Collaborations: ["e-arkiv-sodertorn"])), [], true },
        { "sender filtering on its own area", P("nacka", "0182", new PartnerFilters(Areas: ["digitalisering"])), [], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Route_Partner_GetsTheUpdateExactlyWhenItConcernsThem(string why, Partner partner, string[] collaborationParticipants, bool expected)
    {
        var members = Update.Participants.Union(collaborationParticipants).ToArray();
        var routed = Router.Route(Update, members, isPublic: true, [partner], OrganisationRegistry.Shared);
        Assert.True(expected == routed.Contains(partner), why);
    }

    [Fact]
    public void Route_ManyPartners_ReturnsEachOnceInIdOrder()
    {
        var partners = new[] { P("tyreso", "0138"), P("botkyrka", "0127"), P("botkyrka-2", "0127"), P("nacka", "0182"), P("kiruna", "2584") };
        var routed = Router.Route(Update, [.. Update.Participants, "0127"], isPublic: true, partners, OrganisationRegistry.Shared);
        Assert.Equal(["botkyrka", "botkyrka-2", "tyreso"], routed.Select(p => p.Id));
    }

    [Fact]
    public void Route_NotPublic_ReachesMembersPartnersButNoFilterOnlyPartner()
    {
        var member = P("tyreso", "0138");
        var byFilter = P("kiruna", "2584", new PartnerFilters(Kinds: ["decision"]));

        var routed = Router.Route(Update, Update.Participants, isPublic: false, [member, byFilter], OrganisationRegistry.Shared);

        Assert.Equal([member], routed);
    }

    [Fact]
    public void Route_FollowsTheMembers_NotTheParticipantsTheUpdateNamed()
    {
        // Tyresö was named by an earlier update and then removed from the collaboration by the admin.
        var removed = P("tyreso", "0138");
        var member = P("botkyrka", "0127");

        var routed = Router.Route(Update, ["0127", "0182"], isPublic: true, [removed, member], OrganisationRegistry.Shared);

        Assert.Equal([member], routed);
    }
}

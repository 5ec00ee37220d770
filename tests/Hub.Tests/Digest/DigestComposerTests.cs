using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestComposerTests
{
    private static readonly DigestComposer Composer = new(OrganisationRegistry.Shared);

    private static PartnerDigest NackaDigest() => Composer.Compose(DigestSeed.Index(), DigestSeed.Nacka)!;

    [Fact]
    public void Compose_OwnCollaborations_GroupedWithDecisionsAndStatusChangesFirst()
    {
        var digest = NackaDigest();

        Assert.Equal(["e-arkiv-sodertorn", "skolskjuts-sodertorn"], digest.Collaborations.Select(c => c.CollaborationId));
        var earkiv = digest.Collaborations[0];
        Assert.Equal("Gemensamt e-arkiv för Södertörn", earkiv.Title);
        Assert.Equal(["u3", "u4", "u1", "u2"], earkiv.Updates.Select(u => u.UpdateId));
        Assert.Equal([true, true, false, false], earkiv.Updates.Select(u => u.IsHighlight));
        Assert.Equal("paused", earkiv.Status);
    }

    [Fact]
    public void Compose_UpdateItems_CarryStockholmDateAndSenderName()
    {
        var decision = NackaDigest().Collaborations[0].Updates[0];

        Assert.Equal(new NodaTime.LocalDate(2026, 3, 19), decision.Date);
        Assert.Equal("Haninge", decision.SenderName);
        Assert.Equal("0136", decision.SenderOrganisation);
    }

    [Fact]
    public void Compose_PartnersOwnUpdates_LeftOutUnlessIncludeOwn()
    {
        var without = NackaDigest().Collaborations.Single(c => c.CollaborationId == "skolskjuts-sodertorn");
        var with = Composer.Compose(DigestSeed.Index(), DigestSeed.Nacka with { IncludeOwn = true })!
            .Collaborations.Single(c => c.CollaborationId == "skolskjuts-sodertorn");

        Assert.Equal(["u6"], without.Updates.Select(u => u.UpdateId));
        Assert.Equal(["u5", "u6"], with.Updates.Select(u => u.UpdateId).Order());
    }

    [Fact]
    public void Compose_UpdatesReceivedOutsideTheMonth_AreNotShown()
    {
        Assert.DoesNotContain(NackaDigest().Collaborations.SelectMany(c => c.Updates), u => u.UpdateId == "u11");
    }

    [Fact]
    public void Compose_News_NewCollaborationsInCountyAndCallsInAreas()
    {
        var news = NackaDigest().News;

        Assert.Equal(["ai-arenden-skane", "dagvatten-stockholm"], news.Select(n => n.CollaborationId));
        var call = news[0];
        Assert.Equal(DigestNewsKind.CallForPartners, call.Kind);
        Assert.True(call.InArea);
        Assert.False(call.InCounty);
        Assert.Equal("Vi söker partner för AI i ärendehantering", call.Title);
        var created = news[1];
        Assert.Equal(DigestNewsKind.NewCollaboration, created.Kind);
        Assert.True(created.InCounty);
        Assert.Equal(["Stockholm", "Tyresö"], created.OrganisationNames);
    }

    [Fact]
    public void Compose_IMellanrummet_FindsLikeWorkElsewhereWithSharedWords()
    {
        var suggestion = Assert.Single(NackaDigest().Suggestions);

        Assert.Equal("e-arkiv-fyrbodal", suggestion.CollaborationId);
        Assert.Equal("e-arkiv-sodertorn", suggestion.LikeCollaborationId);
        Assert.Contains("arkiv", suggestion.SharedWords);
        Assert.Equal(["Göteborg", "Lysekil"], suggestion.OrganisationNames);
    }

    [Fact]
    public void Compose_CollaborationsMarkedNotPublic_AreLeftOutOfOtherOrganisationsNewsAndSuggestions_ButNotTheirMembersOwn()
    {
        string[] hidden = ["ai-arenden-skane", "dagvatten-stockholm", "e-arkiv-fyrbodal"];
        var collaborations = DigestSeed.Collaborations.Select(c => hidden.Contains(c.Id) ? c with { Public = false } : c).ToArray();
        var index = DigestMonthIndex.Build(DigestSeed.March.Period, collaborations, DigestSeed.Updates);

        var nacka = Composer.Compose(index, DigestSeed.Nacka)!;
        Assert.Empty(nacka.News);
        Assert.Empty(nacka.Suggestions);
        Assert.Equal(NackaDigest().Collaborations.Select(c => c.CollaborationId), nacka.Collaborations.Select(c => c.CollaborationId));
    }

    [Fact]
    public void Compose_EmptyMonth_ReturnsNull()
    {
        Assert.Null(Composer.Compose(DigestSeed.Index(), DigestSeed.Vimmerby));
    }

    [Fact]
    public void Compose_MonthWithoutUpdates_ReturnsNullForEveryone()
    {
        var index = DigestMonthIndex.Build(new DigestMonth(2026, 5).Period, DigestSeed.Collaborations, DigestSeed.Updates);

        Assert.All(DigestSeed.Partners, p => Assert.Null(Composer.Compose(index, p)));
    }

    [Fact]
    public void Compose_EnglishPartner_MarkedEnglish()
    {
        var digest = Composer.Compose(DigestSeed.Index(), DigestSeed.Lulea)!;

        Assert.Equal("en", digest.Language);
        Assert.Equal("Luleå", digest.OrganisationName);
        Assert.Equal(["fritidsgardar-norrbotten"], digest.Collaborations.Select(c => c.CollaborationId));
    }
}

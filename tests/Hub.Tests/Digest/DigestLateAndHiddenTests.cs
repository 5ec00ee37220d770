using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>What a partner reads: updates reported late in a section of their own, hidden collaborations, the shown few.</summary>
public sealed class DigestLateAndHiddenTests
{
    private static readonly DigestComposer Composer = new(OrganisationRegistry.Shared);
    private static readonly DigestRenderer Renderer = new(Options.Create(new DigestOptions { BaseUrl = "https://hub.example.se" }));
    private static readonly DigestMonth April = new(2026, 4);

    /// <summary>April, in which only Haninge's March decision arrives, after March's digest went out.</summary>
    private static DigestMonthIndex AprilWithMarchReportedLate() =>
        DigestMonthIndex.Build(April.Period, DigestSeed.Collaborations, [], late: [DigestSeed.Updates.Single(u => u.Id == "u3")]);

    [Fact]
    public void Compose_UpdateReportedLate_InItsOwnSectionNotAmongTheMonths()
    {
        var digest = Composer.Compose(AprilWithMarchReportedLate(), DigestSeed.Nacka)!;

        Assert.Empty(digest.Collaborations);
        var late = Assert.Single(digest.Late);
        Assert.Equal("e-arkiv-sodertorn", late.CollaborationId);
        Assert.Equal(["u3"], late.Updates.Select(u => u.UpdateId));
        Assert.Equal(new NodaTime.LocalDate(2026, 3, 19), late.Updates[0].Date);
    }

    [Fact]
    public void Render_UpdateReportedLate_UnderRapporteratIEfterhandWithItsOwnDate()
    {
        var text = Renderer.Render(Composer.Compose(AprilWithMarchReportedLate(), DigestSeed.Nacka)!).Text;

        Assert.Contains("Rapporterat i efterhand\n-----------------------\n", text, StringComparison.Ordinal);
        Assert.Contains("* Beslut · 19 mars · Haninge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Er samverkan\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EnglishPartner_ReportedLateHeading()
    {
        var lulea = DigestSeed.Lulea with { Organisation = "0127" };

        var rendered = Renderer.Render(Composer.Compose(AprilWithMarchReportedLate(), lulea)!);

        Assert.Contains("Reported late", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("Reported late", rendered.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_HiddenCollaborationElsewhere_NotInIMellanrummet()
    {
        var hidden = DigestSeed.Collaborations.Select(c => c.Id == "e-arkiv-fyrbodal" ? c with { Public = false } : c).ToArray();

        var digest = Composer.Compose(DigestMonthIndex.Build(DigestSeed.March.Period, hidden, DigestSeed.Updates), DigestSeed.Nacka)!;

        Assert.DoesNotContain(digest.Suggestions, s => s.CollaborationId == "e-arkiv-fyrbodal");
    }

    [Fact]
    public void Compose_HiddenCollaborationElsewhere_NotAmongTheNews()
    {
        var hidden = DigestSeed.Collaborations.Select(c => c.Id == "ai-arenden-skane" ? c with { Public = false } : c).ToArray();

        var digest = Composer.Compose(DigestMonthIndex.Build(DigestSeed.March.Period, hidden, DigestSeed.Updates), DigestSeed.Nacka)!;

        Assert.Equal(["dagvatten-stockholm"], digest.News.Select(n => n.CollaborationId));
    }

    [Fact]
    public void Compose_HiddenCollaboration_ItsMembersStillSeeIt()
    {
        var hidden = DigestSeed.Collaborations.Select(c => c with { Public = false }).ToArray();

        var digest = Composer.Compose(DigestMonthIndex.Build(DigestSeed.March.Period, hidden, DigestSeed.Updates), DigestSeed.Nacka)!;

        Assert.Equal(["e-arkiv-sodertorn", "skolskjuts-sodertorn"], digest.Collaborations.Select(c => c.CollaborationId));
        Assert.Empty(digest.News);
        Assert.Empty(digest.Suggestions);
    }

    [Fact]
    public void Compose_OneSenderPostsMost_ItsPartnerSeesTheOthersAndTheOthersSeeTheFirstFive()
    {
        // Eight decisions from Haninge, then four meetings from Botkyrka, in one collaboration.
        var template = DigestSeed.Updates.Single(u => u.Id == "u3");
        var updates = Enumerable.Range(0, 12).Select(i => template with
        {
            Id = $"m{i:D2}",
            Organisation = i < 8 ? "0136" : "0127",
            Kind = i < 8 ? "decision" : "meeting",
            OccurredAt = template.OccurredAt.AddHours(i - 12),
        }).ToArray();
        var index = DigestMonthIndex.Build(DigestSeed.March.Period, DigestSeed.Collaborations, updates);
        Partner Of(string organisation) => DigestSeed.Nacka with { Id = "p-" + organisation, Organisation = organisation };

        var haninge = Composer.Compose(index, Of("0136"))!.Collaborations.Single();
        var botkyrka = Composer.Compose(index, Of("0127"))!.Collaborations.Single();
        var nacka = Composer.Compose(index, Of("0182"))!.Collaborations.Single();

        Assert.Equal(["m08", "m09", "m10", "m11"], haninge.Updates.Select(u => u.UpdateId));
        Assert.Equal(0, haninge.MoreUpdates);
        Assert.Equal(["m00", "m01", "m02", "m03", "m04"], botkyrka.Updates.Select(u => u.UpdateId));
        Assert.Equal(3, botkyrka.MoreUpdates);
        Assert.Equal(7, nacka.MoreUpdates);
        Assert.True(index.Months["e-arkiv-sodertorn"].Items.Count <= 10);
    }
}

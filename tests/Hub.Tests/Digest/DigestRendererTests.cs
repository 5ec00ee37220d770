using System.Text.RegularExpressions;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Tests.Digest;

public sealed partial class DigestRendererTests
{
    private static readonly DigestRenderer Renderer = new(Options.Create(new DigestOptions { BaseUrl = "https://hub.example.se/" }));

    private static PartnerDigest Digest(Mellanrum.Hub.Partners.Partner partner) =>
        new DigestComposer(OrganisationRegistry.Shared).Compose(DigestSeed.Index(), partner)!;

    [Fact]
    public void Render_Swedish_SubjectNamesTheMonthInSwedish()
    {
        Assert.Equal("Mellanrum: månadsbrev mars 2026", Renderer.Render(Digest(DigestSeed.Nacka)).Subject);
    }

    [Fact]
    public void Render_EnglishPartner_EnglishSubjectAndHeadings()
    {
        var rendered = Renderer.Render(Digest(DigestSeed.Lulea));

        Assert.Equal("Mellanrum: monthly digest March 2026", rendered.Subject);
        Assert.Contains("Your collaborations", rendered.Html);
        Assert.Contains("Status report", rendered.Text);
    }

    [Fact]
    public void Render_Html_NoScriptAndA600PixelColumn()
    {
        var html = Renderer.Render(Digest(DigestSeed.Nacka)).Html;

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(" on[a-z]+=\"", html);
        Assert.Contains("max-width:600px", html);
        Assert.Contains("width=\"600\"", html); // the Outlook column
        Assert.Contains("name=\"viewport\"", html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_UserText_IsHtmlEncoded()
    {
        var html = Renderer.Render(Digest(DigestSeed.Nacka)).Html;

        Assert.Contains("Kraven på &lt;e-arkivet&gt; är klara &amp; skickade till juristerna.", html);
        Assert.DoesNotContain("<e-arkivet>", html);
    }

    [Fact]
    public void Render_Links_PointToTheHubsCollaborationEndpoint()
    {
        var rendered = Renderer.Render(Digest(DigestSeed.Nacka));

        Assert.Contains("href=\"https://hub.example.se/samverkan/e-arkiv-sodertorn\"", rendered.Html);
        Assert.Contains("https://hub.example.se/samverkan/e-arkiv-sodertorn", rendered.Text);
    }

    [Fact]
    public void Render_TextPart_HasTheSameItemsAsTheHtml()
    {
        var digest = Digest(DigestSeed.Nacka);
        var rendered = Renderer.Render(digest);
        var titles = digest.Collaborations.SelectMany(c => c.Updates.Select(u => u.Title).Prepend(c.Title))
            .Concat(digest.News.Select(n => n.Title))
            .Concat(digest.Suggestions.Select(s => s.Title))
            .ToArray();

        Assert.Equal(10, titles.Length);
        Assert.All(titles, t => Assert.Contains(t, rendered.Text));
        Assert.All(titles, t => Assert.Contains(DigestRenderer.Encode(t), rendered.Html));
        Assert.Equal(HrefCount(rendered.Html, "/samverkan/"), Regex.Matches(rendered.Text, "/samverkan/").Count);
    }

    [Fact]
    public void Render_Sections_SwedishHeadingsIncludingIMellanrummet()
    {
        var rendered = Renderer.Render(Digest(DigestSeed.Nacka));

        Assert.Contains("Er samverkan", rendered.Text);
        Assert.Contains("Nytt i era områden och ert län", rendered.Text);
        Assert.Contains("I mellanrummet", rendered.Text);
        Assert.Contains("Delar orden", rendered.Text);
        Assert.Contains("Beslut · 19 mars · Haninge", rendered.Text);
    }

    private static int HrefCount(string html, string path) => Regex.Matches(html, "href=\"[^\"]*" + Regex.Escape(path)).Count;
}

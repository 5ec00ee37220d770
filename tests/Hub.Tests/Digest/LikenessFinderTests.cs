using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class LikenessFinderTests
{
    /// <summary>A small Swedish corpus: pairs that must meet despite different word forms, and pairs that must not.</summary>
    private static readonly (string Id, string Text)[] Corpus =
    [
        ("arkiv-a", "Upphandling av e-arkiv"),
        ("arkiv-b", "E-arkivet upphandlas gemensamt"),
        ("sprak-a", "Utbildning av förskolepersonal i språkutveckling"),
        ("sprak-b", "Personalen på förskolan utbildas i språkutvecklande arbetssätt"),
        ("snö-a", "Vägunderhåll och snöröjning på landsbygden"),
        ("snö-b", "Snöröjningen av vägar på landsbygden samordnas"),
        ("generic-a", "Samverkan om kommunens nya projekt"),
        ("generic-b", "Kommunerna startar ett gemensamt projekt för samverkan"),
        ("fritid", "Fritidsgårdar för unga i Luleå"),
        ("aldre", "Äldreomsorg och hemtjänst för de äldre"),
        ("dagvatten", "Klimatanpassning av dagvattensystem"),
        ("bredband", "Bredband till glesbygden"),
        ("skolmat", "Ny leverantör av skolmat"),
        ("bibliotek", "Meröppna bibliotek i mindre orter"),
    ];

    private static LikenessFinder Finder()
    {
        var builder = new LikenessFinder.Builder();
        foreach (var (id, text) in Corpus)
        {
            builder.Add(id, text);
        }

        return builder.Build();
    }

    [Theory]
    [InlineData("arkiv-a", "arkiv-b")]
    [InlineData("arkiv-b", "arkiv-a")]
    [InlineData("sprak-a", "sprak-b")]
    [InlineData("snö-a", "snö-b")]
    public void FindLike_SameStemsInOtherWordForms_FindsThePairFirst(string document, string expected)
    {
        var found = Finder().FindLike(document, 5);

        Assert.NotEmpty(found);
        Assert.Equal(expected, found[0].DocumentId);
        Assert.True(found[0].Score >= LikenessFinder.MinScore);
    }

    [Theory]
    [InlineData("generic-a", "generic-b")] // only kommun, samverkan, projekt, ny, gemensam
    [InlineData("fritid", "aldre")] // only the stop word "för"
    [InlineData("skolmat", "arkiv-a")] // only "av" and "ny"
    [InlineData("dagvatten", "arkiv-a")] // only "av"
    public void FindLike_OnlyCommonOrStopWordsShared_DoesNotFindThePair(string document, string other)
    {
        var found = Finder().FindLike(document, 5);

        Assert.DoesNotContain(found, f => f.DocumentId == other);
    }

    [Fact]
    public void FindLike_Explanation_ShowsSharedStemsAsWrittenWords()
    {
        var found = Finder().FindLike("arkiv-a", 1).Single();

        Assert.Contains("arkiv", found.SharedWords);
        Assert.Contains(found.SharedWords, w => w.StartsWith("upphandl", StringComparison.Ordinal));
        Assert.DoesNotContain(found.SharedWords, w => w is "av" or "gemensamt" or "e");
    }

    [Fact]
    public void FindLike_Exclusion_LeavesOutExcludedDocuments()
    {
        var found = Finder().FindLike("arkiv-a", 5, id => id == "arkiv-b");

        Assert.DoesNotContain(found, f => f.DocumentId == "arkiv-b");
    }

    [Fact]
    public void FindLike_NonCandidate_IsNeverFound()
    {
        var finder = new LikenessFinder.Builder()
            .Add("own", "Upphandling av e-arkiv", candidate: false)
            .Add("hidden", "E-arkivet upphandlas", candidate: false)
            .Add("visible", "Ett e-arkiv upphandlas i norr")
            .Build();

        Assert.Equal(["visible"], finder.FindLike("own", 5).Select(f => f.DocumentId));
    }

    [Fact]
    public void Terms_SwedishText_DropsStopWordsAndStemsWordForms()
    {
        var terms = SwedishText.Terms("Upphandlingen av e-arkivet och utbildningar för kommunerna").ToArray();

        Assert.Equal(["upphandl", "arkiv", "utbild"], terms.Select(t => t.Stem));
        Assert.Equal("e-arkivet".Split('-')[1], terms[1].Word);
    }
}

using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Tests.Normalisation;

public sealed class WordTableTests
{
    [Theory]
    [InlineData("beslut", "decision")]
    [InlineData("BESLUT", "decision")]
    [InlineData("lägesrapport", "status-report")]
    [InlineData("la\u0308gesrapport", "status-report")]
    [InlineData("status report", "status-report")]
    [InlineData("Call for partners", "call-for-partners")]
    public void Kinds_SwedishAndEnglishWords_ResolveToTheContractsWord(string word, string expected)
    {
        Assert.True(WordTable.Kinds.TryResolve(word, out var kind));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData("pågår", "active")]
    [InlineData("PAGAR", "active")]
    [InlineData("avslutad", "completed")]
    [InlineData("Inställd", "cancelled")]
    public void Statuses_Words_Resolve(string word, string expected)
    {
        Assert.True(WordTable.Statuses.TryResolve(word, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("skola", "utbildning")]
    [InlineData("IT", "digitalisering")]
    [InlineData("Social välfärd", "social-valfard")]
    [InlineData("Vård och omsorg", "vard-och-omsorg")]
    [InlineData("övrigt", "ovrigt")]
    public void Areas_Words_Resolve(string word, string expected)
    {
        Assert.True(WordTable.Areas.TryResolve(word, out var area));
        Assert.Equal(expected, area);
    }

    [Theory]
    [InlineData("decison")]
    [InlineData("beslu")]
    [InlineData("")]
    public void Kinds_UnknownWord_IsNotGuessed(string word)
    {
        Assert.False(WordTable.Kinds.TryResolve(word, out _));
    }

    [Fact]
    public void Tables_EveryCanonicalWord_ResolvesToItself()
    {
        foreach (var (lookup, words) in new[] { (WordTable.Kinds, Vocabulary.Kinds), (WordTable.Statuses, Vocabulary.Statuses), (WordTable.Areas, Vocabulary.Areas) })
        {
            Assert.All(words, w => Assert.True(lookup.TryResolve(w, out var c) && c == w, w));
        }
    }
}

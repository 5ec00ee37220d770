using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Sv;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Tartarus.Snowball.Ext;
using Lucene.Net.Util;

namespace Mellanrum.Hub.Digest;

/// <summary>One analysed word: the stem it counts as, and the lower-case word as written.</summary>
public readonly record struct SwedishTerm(string Stem, string Word);

/// <summary>
/// Swedish text analysis as Lucene's <see cref="SwedishAnalyzer"/> does it (standard tokenizer, lower case,
/// Swedish stop words, Snowball Swedish stemmer), with the stemming done per word so that the word as written
/// is kept for explanations. Two additions for this hub's texts: the suffixes <c>-ning</c>/<c>-ing</c>
/// and the definite <c>-et</c> that Snowball keeps are dropped (so <c>upphandling</c> and <c>upphandlas</c> meet in <c>upphandl</c>), and words
/// every collaboration text has (<c>kommun</c>, <c>samverkan</c>, <c>projekt</c>, ...) count as stop words.
/// </summary>
public static class SwedishText
{
    private static readonly Analyzer Tokens = new WordAnalyzer();

    private static readonly ThreadLocal<SwedishStemmer> Stemmer = new(() => new SwedishStemmer());

    private static readonly ConcurrentDictionary<string, string> Stems = new(StringComparer.Ordinal);

    private static readonly string[] DomainWords =
    [
        "kommun", "kommuner", "kommunen", "kommunerna", "kommunens", "kommunal", "kommunala", "samverkan", "samverkar",
        "samverka", "samverkansprojekt", "projekt", "projektet", "gemensam", "gemensamt", "gemensamma", "arbete",
        "arbetet", "arbeta", "arbetar", "region", "regionen", "län", "länet", "ny", "nytt", "nya", "år", "året",
        "månad", "möte", "mötet", "beslut", "beslutet", "beslutade", "besluta", "lägesrapport", "rapport", "status",
        "inom", "genom", "även", "mellan", "samt", "via", "kring", "ska", "kan", "får", "del", "delar", "inför",
        "tillsammans", "organisation", "partner", "partners", "parter", "start", "startar", "startat", "avslut",
        "avslutat", "avslutas", "fortsatt", "fortsätter", "pågår", "planerad", "klar", "klart", "nästa", "steg",
    ];

    private static readonly ConcurrentDictionary<string, SwedishTerm?> Words = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, SwedishTerm?>.AlternateLookup<ReadOnlySpan<char>> WordLookup =
        Words.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string> DomainStems = DomainWords.Select(StemOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>The words of <paramref name="text"/> that carry meaning, each with its stem.</summary>
    public static IEnumerable<SwedishTerm> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        using var stream = Tokens.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            // Looked up by span: a word seen before costs no allocation (a month repeats its vocabulary endlessly).
            var span = term.Buffer.AsSpan(0, term.Length);
            if (!WordLookup.TryGetValue(span, out var known))
            {
                var word = span.ToString();
                known = Classify(word);
                Words.TryAdd(word, known);
            }

            if (known is { } meaningful)
            {
                yield return meaningful;
            }
        }

        stream.End();
    }

    /// <summary>The term a lower-case word gives, or null when it carries no meaning here.</summary>
    private static SwedishTerm? Classify(string word)
    {
        if (word.Length < 2 || word.All(char.IsDigit))
        {
            return null;
        }

        var stem = StemOf(word);
        return stem.Length >= 2 && !DomainStems.Contains(stem) ? new SwedishTerm(stem, word) : null;
    }

    /// <summary>The stem a lower-case word counts as.</summary>
    public static string StemOf(string word) => Stems.GetOrAdd(word, static w =>
    {
        var stemmer = Stemmer.Value!;
        stemmer.SetCurrent(w);
        stemmer.Stem();
        var stem = stemmer.Current;
        foreach (var suffix in (ReadOnlySpan<string>)["ning", "ing", "et"])
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal) && stem.Length - suffix.Length >= 4)
            {
                return stem[..^suffix.Length];
            }
        }

        return stem;
    });

    private sealed class WordAnalyzer : Analyzer
    {
        private static readonly CharArraySet StopWords = SwedishAnalyzer.DefaultStopSet;

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(LuceneVersion.LUCENE_48, reader);
            TokenStream result = new StandardFilter(LuceneVersion.LUCENE_48, source);
            result = new LowerCaseFilter(LuceneVersion.LUCENE_48, result);
            result = new StopFilter(LuceneVersion.LUCENE_48, result, StopWords);
            return new TokenStreamComponents(source, result);
        }
    }
}

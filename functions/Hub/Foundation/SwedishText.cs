using System.Collections.Concurrent;
using Lucene.Net.Analysis.Sv;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Mellanrum.Hub.Foundation;

/// <summary>One analysed word: the stem it counts as, and the lower-case word as written.</summary>
public readonly record struct SwedishTerm(string Stem, string Word);

/// <summary>
/// Swedish text analysis with Lucene's Swedish parts (<see cref="SwedishAnalyzer.DefaultStopSet"/> stop words and the
/// Snowball <see cref="SwedishStemmer"/>), done per word so that the word as written is kept for explanations, over a
/// span tokenizer that splits as the standard tokenizer does for Swedish prose (the token-stream machinery was most of
/// the digest's cost). Two additions for this hub's texts: the suffixes <c>-ning</c>/<c>-ing</c>
/// and the definite <c>-et</c> that Snowball keeps are dropped (so <c>upphandling</c> and <c>upphandlas</c> meet in <c>upphandl</c>), and words
/// every collaboration text has (<c>kommun</c>, <c>samverkan</c>, <c>projekt</c>, ...) count as stop words.
/// The word and stem caches hold at most <see cref="CacheCapacity"/> words each: any source writes the texts, so the
/// distinct words never end, and the least recently used go.
/// </summary>
public static class SwedishText
{
    /// <summary>Words (and stems) each cache keeps at most; a month's vocabulary is far smaller.</summary>
    public const int CacheCapacity = 50_000;

    private static readonly ThreadLocal<SwedishStemmer> Stemmer = new(() => new SwedishStemmer());

    private static readonly BoundedWordCache<string> Stems = new(CacheCapacity);

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

    private static readonly BoundedWordCache<SwedishTerm?> Words = new(CacheCapacity);

    /// <summary>How many words and stems the caches hold now (for tests: never more than twice <see cref="CacheCapacity"/>).</summary>
    internal static (int Words, int Stems) CachedCounts => (Words.Count, Stems.Count);

    private static readonly HashSet<string> DomainStems = DomainWords.Select(StemOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>The words of <paramref name="text"/> that carry meaning, each with its stem.</summary>
    public static IReadOnlyList<SwedishTerm> Terms(string? text)
    {
        var terms = new List<SwedishTerm>();
        AppendTerms(text, terms);
        return terms;
    }

    /// <summary>
    /// Adds the words of <paramref name="text"/> that carry meaning to <paramref name="terms"/>. Words are split as
    /// Lucene's standard tokenizer splits Swedish prose (runs of letters and digits; hyphens, slashes and punctuation
    /// separate), lower-cased, and each distinct word is classified once (stop word, domain word, or its Snowball stem)
    /// and then looked up by span: a month repeats its vocabulary endlessly, so most words cost one lookup.
    /// </summary>
    public static void AppendTerms(string? text, List<SwedishTerm> terms)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        Span<char> buffer = stackalloc char[MaxWordLength];
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && !IsWordChar(span[i]))
            {
                i++;
            }

            var start = i;
            while (i < span.Length && IsWordChar(span[i]))
            {
                i++;
            }

            var length = i - start;
            if (length == 0 || length > MaxWordLength)
            {
                continue;
            }

            var word = buffer[..length];
            span.Slice(start, length).ToLowerInvariant(word);
            if (!Words.TryGetValue(word, out var known))
            {
                var key = word.ToString();
                known = Classify(key);
                Words.Add(key, known);
            }

            if (known is { } meaningful)
            {
                terms.Add(meaningful);
            }
        }
    }

    /// <summary>
    /// Every word of <paramref name="text"/>, lower-case, split as <see cref="AppendTerms"/> splits it (stop words and
    /// domain words included): what a search matches its keys against (<see cref="SwedishSearch"/>).
    /// </summary>
    public static IReadOnlyList<string> WordsOf(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordChar(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                words.Add(text[start..i].ToLowerInvariant());
            }
        }

        return words;
    }

    private const int MaxWordLength = 64;

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark;

    /// <summary>The term a lower-case word gives, or null when it carries no meaning here.</summary>
    private static SwedishTerm? Classify(string word)
    {
        if (word.Length < 2 || word.All(char.IsDigit) || SwedishAnalyzer.DefaultStopSet.Contains(word))
        {
            return null;
        }

        var stem = StemOf(word);
        return stem.Length >= 2 && !DomainStems.Contains(stem) ? new SwedishTerm(stem, word) : null;
    }

    /// <summary>The stem a lower-case word counts as.</summary>
    public static string StemOf(string word)
    {
        if (Stems.TryGetValue(word, out var known))
        {
            return known;
        }

        var stem = Stem(word);
        Stems.Add(word, stem);
        return stem;
    }

    private static string Stem(string w)
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
    }
}

/// <summary>
/// A bounded cache with span lookups: two generations of at most <c>capacity / 2</c> entries; when the young one is
/// full it becomes the old one and the old one is dropped, and a hit in the old one moves the entry back to the young
/// one. So it never holds more than <c>capacity</c> entries, and words in use stay.
/// </summary>
internal sealed class BoundedWordCache<T>(int capacity)
{
    private readonly Lock _gate = new();
    private Generation _young = new();
    private Generation _old = new();

    public int Count => _young.Entries.Count + _old.Entries.Count;

    public bool TryGetValue(ReadOnlySpan<char> key, out T value)
    {
        var young = _young;
        if (young.Lookup.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_old.Lookup.TryGetValue(key, out var actual, out value!))
        {
            Add(actual, value);
            return true;
        }

        return false;
    }

    public void Add(string key, T value)
    {
        _young.Entries[key] = value;
        if (_young.Entries.Count >= capacity / 2)
        {
            lock (_gate)
            {
                if (_young.Entries.Count >= capacity / 2)
                {
                    _old = _young;
                    _young = new Generation();
                }
            }
        }
    }

    private sealed class Generation
    {
        public Generation() => Lookup = Entries.GetAlternateLookup<ReadOnlySpan<char>>();

        public ConcurrentDictionary<string, T> Entries { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}

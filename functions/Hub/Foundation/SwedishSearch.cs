namespace Mellanrum.Hub.Foundation;

/// <summary>
/// A search in Swedish text, stemmed as the digest's likeness finder stems (<see cref="SwedishText"/>): each word of the
/// query is reduced to its stem (<c>skolorna</c> and <c>skolan</c> to <c>skol</c>, <c>upphandlingen</c> to
/// <c>upphandl</c>), and every such key must begin a word of the text, so any inflected form finds any other and a
/// compound's first part finds the compound (<c>skol</c> begins <c>skolskjuts</c>). A word that carries no meaning of its
/// own (a stop word, a word every collaboration uses, a number) is matched as written: it must begin a word. The
/// Snowball stemmer only takes suffixes away, so a word always begins with its own stem.
/// </summary>
public sealed class SwedishSearch
{
    private readonly string[] _keys;

    private SwedishSearch(string[] keys) => _keys = keys;

    /// <summary>The keys every match must have, in the query's order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The search for <paramref name="query"/>; null when it holds no word (then everything matches).</summary>
    public static SwedishSearch? Parse(string? query)
    {
        var keys = SwedishText.WordsOf(query)
            .Select(word => SwedishText.Terms(word) is [var term] ? term.Stem : word)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return keys.Length == 0 ? null : new SwedishSearch(keys);
    }

    /// <summary>Whether every key begins one of <paramref name="words"/> (lower-case words, as <see cref="SwedishText.WordsOf"/> gives them).</summary>
    public bool MatchesWords(IReadOnlyCollection<string> words) =>
        _keys.All(key => words.Any(word => word.StartsWith(key, StringComparison.Ordinal)));

    /// <summary>Whether every key begins a word of one of <paramref name="texts"/>.</summary>
    public bool Matches(params IEnumerable<string?> texts) => MatchesWords(texts.SelectMany(SwedishText.WordsOf).ToArray());
}

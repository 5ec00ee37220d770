namespace Mellanrum.Hub.Digest;

/// <summary>A collaboration that reads like another: the cosine score and the words both texts use.</summary>
public sealed record Likeness(string DocumentId, string LikeDocumentId, double Score, IReadOnlyList<string> SharedWords);

/// <summary>
/// Finds texts that read alike: Swedish stems (<see cref="SwedishText"/>) weighted by TF-IDF
/// ((1 + ln tf) x BM25's idf, which is near zero for a stem most documents use), cosine similarity over
/// unit-length sparse vectors, candidates found through an inverted index so that only documents sharing
/// a stem are ever scored. Build it once with <see cref="Builder"/>; queries are thread-safe.
/// </summary>
public sealed class LikenessFinder
{
    /// <summary>Below this cosine two texts are not shown as alike (tuned on the Swedish corpus in the tests).</summary>
    public const double MinScore = 0.12;

    /// <summary>A document is queried by its strongest stems only; long texts would otherwise match everything a little.</summary>
    public const int QueryTerms = 40;

    /// <summary>How many shared words an explanation lists.</summary>
    public const int ExplanationWords = 4;

    private readonly Dictionary<string, int> _documentIndex;
    private readonly string[] _documentIds;
    private readonly (int Term, float Weight)[][] _vectors;
    private readonly List<(int Document, float Weight)>[] _postings;
    private readonly string[] _words;
    private readonly (int Term, float Weight)[][] _queries;
    private readonly ThreadLocal<ScoreBuffer> _scratch = new(() => new ScoreBuffer());

    private LikenessFinder(
        Dictionary<string, int> documentIndex,
        string[] documentIds,
        (int Term, float Weight)[][] vectors,
        List<(int Document, float Weight)>[] postings,
        string[] words)
    {
        _documentIndex = documentIndex;
        _documentIds = documentIds;
        _vectors = vectors;
        _postings = postings;
        _words = words;
        _queries = vectors.Select(v => v.OrderByDescending(t => t.Weight).Take(QueryTerms).ToArray()).ToArray();
    }

    public int DocumentCount => _documentIds.Length;

    /// <summary>
    /// The candidate documents most like <paramref name="documentId"/>, best first, at or above <see cref="MinScore"/>,
    /// never the document itself; <paramref name="exclude"/> leaves out documents the caller must not show.
    /// </summary>
    public IReadOnlyList<Likeness> FindLike(string documentId, int max, Func<string, bool>? exclude = null)
    {
        if (!_documentIndex.TryGetValue(documentId, out var self))
        {
            return [];
        }

        var query = _queries[self];

        // Dense accumulators reused per thread: a month has a few thousand documents, and a query touches most of
        // them through its common stems, so an array beats a dictionary several times over.
        var buffer = _scratch.Value!;
        buffer.EnsureCapacity(_documentIds.Length);
        var scores = buffer.Scores;
        var touched = buffer.Touched;
        touched.Clear();
        foreach (var (term, weight) in query)
        {
            foreach (var (document, documentWeight) in _postings[term])
            {
                if (scores[document] == 0)
                {
                    touched.Add(document);
                }

                scores[document] += weight * documentWeight;
            }
        }

        var found = new List<(int Document, double Score)>();
        foreach (var document in touched)
        {
            var score = scores[document];
            scores[document] = 0;
            if (document != self && score >= MinScore && (exclude is null || !exclude(_documentIds[document])))
            {
                found.Add((document, score));
            }
        }

        return found
            .OrderByDescending(s => s.Score)
            .ThenBy(s => _documentIds[s.Document], StringComparer.Ordinal)
            .Take(max)
            .Select(s => new Likeness(_documentIds[s.Document], documentId, s.Score, SharedWords(query, s.Document)))
            .ToArray();
    }

    /// <summary>The cosine of two documents' full vectors (0 when either is unknown).</summary>
    public double Similarity(string first, string second) =>
        _documentIndex.TryGetValue(first, out var a) && _documentIndex.TryGetValue(second, out var b)
            ? Dot(_vectors[a], _vectors[b])
            : 0;

    private string[] SharedWords((int Term, float Weight)[] query, int document)
    {
        // A dense per-thread array of the other document's weights by term, set and cleared around the query:
        // no dictionary per candidate.
        var buffer = _scratch.Value!;
        buffer.EnsureTermCapacity(_words.Length);
        var weights = buffer.TermWeights;
        var other = _vectors[document];
        foreach (var (term, weight) in other)
        {
            weights[term] = weight;
        }

        Span<(float Score, int Term)> best = stackalloc (float, int)[ExplanationWords];
        var count = 0;
        foreach (var (term, weight) in query)
        {
            var score = weight * weights[term];
            if (score <= 0)
            {
                continue;
            }

            // Keep the strongest few, in descending order (ties keep the query's order).
            var at = count;
            while (at > 0 && best[at - 1].Score < score)
            {
                at--;
            }

            if (at < ExplanationWords)
            {
                for (var i = Math.Min(count, ExplanationWords - 1); i > at; i--)
                {
                    best[i] = best[i - 1];
                }

                best[at] = (score, term);
                count = Math.Min(count + 1, ExplanationWords);
            }
        }

        foreach (var (term, _) in other)
        {
            weights[term] = 0;
        }

        var words = new string[count];
        for (var i = 0; i < count; i++)
        {
            words[i] = _words[best[i].Term];
        }

        return words;
    }

    private static double Dot((int Term, float Weight)[] a, (int Term, float Weight)[] b)
    {
        var index = b.ToDictionary(t => t.Term, t => t.Weight);
        return a.Sum(t => index.TryGetValue(t.Term, out var w) ? (double)t.Weight * w : 0);
    }

    private sealed class ScoreBuffer
    {
        public double[] Scores { get; private set; } = [];

        public List<int> Touched { get; } = [];

        public float[] TermWeights { get; private set; } = [];

        public void EnsureTermCapacity(int terms)
        {
            if (TermWeights.Length < terms)
            {
                TermWeights = new float[terms];
            }
        }

        public void EnsureCapacity(int documents)
        {
            if (Scores.Length < documents)
            {
                Scores = new double[documents];
            }
        }
    }

    /// <summary>Collects texts per document; a document may receive text many times (a title, then each update).</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, int> _documents = new(StringComparer.Ordinal);
        private readonly List<Dictionary<int, int>> _counts = [];
        private readonly List<bool> _candidates = [];
        private readonly Dictionary<string, int> _terms = new(StringComparer.Ordinal);
        private readonly List<Dictionary<string, int>> _forms = [];
        private readonly List<SwedishTerm> _scratch = [];

        /// <summary>Adds text to a document; <paramref name="candidate"/> makes it findable (once true, it stays so).</summary>
        public Builder Add(string documentId, string? text, bool candidate = true)
        {
            var counts = Document(documentId, candidate);
            _scratch.Clear();
            SwedishText.AppendTerms(text, _scratch);
            foreach (var (stem, word) in _scratch)
            {
                if (!_terms.TryGetValue(stem, out var term))
                {
                    term = _forms.Count;
                    _terms.Add(stem, term);
                    _forms.Add(new Dictionary<string, int>(StringComparer.Ordinal));
                }

                counts[term] = counts.GetValueOrDefault(term) + 1;
                _forms[term][word] = _forms[term].GetValueOrDefault(word) + 1;
            }

            return this;
        }

        /// <summary>Adds counted terms to a document (as <see cref="MonthTerms"/> collected them from its texts).</summary>
        public Builder AddTerms(string documentId, IEnumerable<MonthTerm> terms, bool candidate = true)
        {
            var counts = Document(documentId, candidate);
            foreach (var (stem, word, count) in terms)
            {
                if (!_terms.TryGetValue(stem, out var term))
                {
                    term = _forms.Count;
                    _terms.Add(stem, term);
                    _forms.Add(new Dictionary<string, int>(StringComparer.Ordinal));
                }

                counts[term] = counts.GetValueOrDefault(term) + count;
                _forms[term][word] = _forms[term].GetValueOrDefault(word) + count;
            }

            return this;
        }

        private Dictionary<int, int> Document(string documentId, bool candidate)
        {
            if (!_documents.TryGetValue(documentId, out var document))
            {
                document = _counts.Count;
                _documents.Add(documentId, document);
                _counts.Add([]);
                _candidates.Add(false);
            }

            _candidates[document] |= candidate;
            return _counts[document];
        }

        public LikenessFinder Build()
        {
            var documentFrequency = new int[_forms.Count];
            foreach (var counts in _counts)
            {
                foreach (var term in counts.Keys)
                {
                    documentFrequency[term]++;
                }
            }

            double n = _counts.Count;
            var idf = documentFrequency.Select(df => Math.Log(1 + ((n - df + 0.5) / (df + 0.5)))).ToArray();
            var vectors = new (int Term, float Weight)[_counts.Count][];
            var postings = Enumerable.Range(0, _forms.Count).Select(_ => new List<(int, float)>()).ToArray();
            for (var document = 0; document < _counts.Count; document++)
            {
                var weighted = _counts[document].Select(c => (Term: c.Key, Weight: (1 + Math.Log(c.Value)) * idf[c.Key])).ToArray();
                var length = Math.Sqrt(weighted.Sum(t => t.Weight * t.Weight));
                vectors[document] = length == 0
                    ? []
                    : weighted.Select(t => (t.Term, (float)(t.Weight / length))).ToArray();
                if (_candidates[document])
                {
                    foreach (var (term, weight) in vectors[document])
                    {
                        postings[term].Add((document, weight));
                    }
                }
            }

            // The word shown for a stem is the form written most often (the shorter one on a tie).
            var words = _forms
                .Select(f => f.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key)
                .ToArray();
            var ids = _documents.OrderBy(d => d.Value).Select(d => d.Key).ToArray();
            return new LikenessFinder(new Dictionary<string, int>(_documents, StringComparer.Ordinal), ids, vectors, postings, words);
        }
    }
}

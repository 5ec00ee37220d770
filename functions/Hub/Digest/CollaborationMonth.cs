using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>A stem, the word written for it, and how often: a document's text as the likeness finder counts it.</summary>
public sealed record MonthTerm(string Stem, string Word, int Count);

/// <summary>One update as the month index keeps it for showing.</summary>
public sealed record MonthItem(
    string Id,
    string Kind,
    string Title,
    string? Summary,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset OccurredAt,
    string Sender,
    string? Status,
    bool IsHighlight,
    IReadOnlyList<UpdateLink> Links);

/// <summary>An update a news item may show (a call for partners, a start, a collaboration's first of the month).</summary>
public sealed record NewsUpdate(
    string Title,
    string? Summary,
    string? Area,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset OccurredAt);

/// <summary>
/// One collaboration's month, folded from its updates once, and small whatever the month holds: the counts, the status,
/// the updates any partner's digest can show (<see cref="Items"/>: highlights first, as the digest lists them, only
/// those that can be among the first <see cref="DigestComposer.MaxUpdatesPerCollaboration"/> shown to some partner),
/// the same for the updates reported late, the news candidates, and the counted words for the likeness finder.
/// </summary>
public sealed record CollaborationMonth(
    string Id,
    string FirstTitle,
    string? Status,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset Latest,
    int Count,
    IReadOnlyDictionary<string, int> Senders,
    IReadOnlyList<MonthItem> Items,
    int LateCount,
    IReadOnlyDictionary<string, int> LateSenders,
    IReadOnlyList<MonthItem> LateItems,
    IReadOnlyList<string> Participants,
    NewsUpdate? Call,
    NewsUpdate? Started,
    NewsUpdate? First,
    IReadOnlyList<MonthTerm> Terms)
{
    /// <summary>A month's first status counts as a change only when it is one of these (an "active" report is routine).</summary>
    private static readonly HashSet<string> NotableStatuses = new(["paused", "completed", "cancelled"], StringComparer.Ordinal);

    private static readonly HashSet<string> HighlightKinds = new(["decision", "collaboration-started", "collaboration-ended"], StringComparer.Ordinal);

    /// <summary>How many of the month's updates a partner of <paramref name="organisation"/> sees.</summary>
    public int VisibleCount(string organisation, bool includeOwn) => includeOwn ? Count : Count - Senders.GetValueOrDefault(organisation);

    public int VisibleLateCount(string organisation, bool includeOwn) => includeOwn ? LateCount : LateCount - LateSenders.GetValueOrDefault(organisation);

    /// <summary>Folds a collaboration's updates of the month (on time and reported late), in any order.</summary>
    public static CollaborationMonth Fold(string id, IReadOnlyCollection<NormalisedUpdate> onTime, IReadOnlyCollection<NormalisedUpdate> late)
    {
        var builder = new CollaborationMonthBuilder(id);
        foreach (var update in Order(onTime))
        {
            builder.Add(update);
        }

        foreach (var update in late)
        {
            builder.AddLate(update);
        }

        return builder.Build();
    }

    internal static NormalisedUpdate[] Order(IEnumerable<NormalisedUpdate> updates) =>
        updates.OrderBy(u => u.OccurredAt).ThenBy(u => u.ReceivedAt).ThenBy(u => u.Id, StringComparer.Ordinal).ToArray();

    internal static NewsUpdate? News(NormalisedUpdate? update) =>
        update is null ? null : new NewsUpdate(update.Title, update.Summary, update.Area, update.OccurredAt);

    /// <summary>Whether an update is a highlight, given the status before it; and the status after it.</summary>
    internal static (bool Highlight, string? Status) Highlight(NormalisedUpdate update, string? status)
    {
        var changed = update.Status is not null && (status is null ? NotableStatuses.Contains(update.Status) : update.Status != status);
        return (HighlightKinds.Contains(update.Kind) || (update.Kind == "status-report" && changed), update.Status ?? status);
    }

    internal static MonthItem Item(NormalisedUpdate update, bool highlight) =>
        new(update.Id, update.Kind, update.Title, update.Summary, update.OccurredAt, update.Organisation, update.Status, highlight, update.Links);

    /// <summary>
    /// The items some partner can be shown: the first few, and for each sender among them the first few of the others
    /// (what a partner of that sender sees without <c>includeOwn</c>). Every other item only counts.
    /// </summary>
    internal static MonthItem[] Shown(IReadOnlyList<MonthItem> items)
    {
        const int shown = DigestComposer.MaxUpdatesPerCollaboration;
        var keep = new HashSet<int>();
        for (var i = 0; i < Math.Min(shown, items.Count); i++)
        {
            keep.Add(i);
        }

        foreach (var sender in items.Take(shown).Select(i => i.Sender).Distinct(StringComparer.Ordinal))
        {
            var taken = 0;
            for (var i = 0; i < items.Count && taken < shown; i++)
            {
                if (items[i].Sender != sender)
                {
                    keep.Add(i);
                    taken++;
                }
            }
        }

        return keep.Order().Select(i => items[i]).ToArray();
    }
}

/// <summary>
/// Folds one collaboration's month as its updates come, in the order they occurred, holding only what the digest can
/// show: per sender its first few highlights and first few others (every item any partner can be shown is among them:
/// the first few of the month, and the first few not from any one organisation), the counts, the status, the news
/// candidates and the counted words. Updates reported late are few and kept until <see cref="Build"/>.
/// </summary>
public sealed class CollaborationMonthBuilder(string id)
{
    private const int Kept = DigestComposer.MaxUpdatesPerCollaboration;
    private readonly MonthTerms _terms = new();
    private readonly SortedSet<string> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _senders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (List<(long Order, MonthItem Item)> Highlights, List<(long Order, MonthItem Item)> Others)> _firstBySender = new(StringComparer.Ordinal);
    private readonly List<NormalisedUpdate> _late = [];
    private NormalisedUpdate? _first;
    private NormalisedUpdate? _call;
    private NormalisedUpdate? _started;
    private DateTimeOffset _latest;
    private string? _status;
    private long _count;

    public string Id => id;

    /// <summary>Adds the month's next update (in the order things happened: occurred, then received, then id).</summary>
    public void Add(NormalisedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        Words(update);
        _first ??= update;
        _latest = update.OccurredAt;
        _call = update.Kind == "call-for-partners" ? update : _call;
        _started ??= update.Kind == "collaboration-started" ? update : null;
        _senders[update.Organisation] = _senders.GetValueOrDefault(update.Organisation) + 1;
        (var highlight, _status) = CollaborationMonth.Highlight(update, _status);
        if (!_firstBySender.TryGetValue(update.Organisation, out var lists))
        {
            _firstBySender.Add(update.Organisation, lists = ([], []));
        }

        var list = highlight ? lists.Highlights : lists.Others;
        if (list.Count < Kept)
        {
            list.Add((_count, CollaborationMonth.Item(update, highlight)));
        }

        _count++;
    }

    /// <summary>Adds an update of an earlier month reported late in this one (any order).</summary>
    public void AddLate(NormalisedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        Words(update);
        _late.Add(update);
    }

    public CollaborationMonth Build()
    {
        var kept = _firstBySender.Values.SelectMany(l => l.Highlights).OrderBy(i => i.Order).Select(i => i.Item)
            .Concat(_firstBySender.Values.SelectMany(l => l.Others).OrderBy(i => i.Order).Select(i => i.Item))
            .ToArray();
        var late = CollaborationMonth.Order(_late);
        var lateItems = new List<MonthItem>(late.Length);
        string? status = null;
        foreach (var update in late)
        {
            (var highlight, status) = CollaborationMonth.Highlight(update, status);
            lateItems.Add(CollaborationMonth.Item(update, highlight));
        }

        var first = _first ?? late[0];
        return new CollaborationMonth(
            id,
            first.Title,
            _status,
            _first is not null ? _latest : late[^1].OccurredAt,
            (int)_count,
            _senders,
            CollaborationMonth.Shown(kept),
            late.Length,
            late.GroupBy(u => u.Organisation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            CollaborationMonth.Shown([.. lateItems.Where(i => i.IsHighlight), .. lateItems.Where(i => !i.IsHighlight)]),
            [.. _participants],
            CollaborationMonth.News(_call),
            CollaborationMonth.News(_started),
            CollaborationMonth.News(_first),
            _terms.ToList());
    }

    private void Words(NormalisedUpdate update)
    {
        _terms.Add(update.Title);
        _terms.Add(update.Summary);
        _terms.Add(string.Join(' ', update.Tags));
        _participants.UnionWith(update.Participants);
        _participants.Add(update.Organisation);
    }
}

/// <summary>Counts a document's stems and the words written for them, as the likeness finder reads text.</summary>
public sealed class MonthTerms
{
    private readonly Dictionary<(string Stem, string Word), int> _counts = [];
    private readonly List<SwedishTerm> _scratch = [];

    public void Add(string? text)
    {
        _scratch.Clear();
        SwedishText.AppendTerms(text, _scratch);
        foreach (var term in _scratch)
        {
            _counts[(term.Stem, term.Word)] = _counts.GetValueOrDefault((term.Stem, term.Word)) + 1;
        }
    }

    public List<MonthTerm> ToList() =>
        _counts.OrderBy(c => c.Key.Stem, StringComparer.Ordinal).ThenBy(c => c.Key.Word, StringComparer.Ordinal)
            .Select(c => new MonthTerm(c.Key.Stem, c.Key.Word, c.Value)).ToList();
}

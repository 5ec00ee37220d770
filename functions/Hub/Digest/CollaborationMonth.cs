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
        var ordered = Order(onTime);
        var lateOrdered = Order(late);
        var terms = new MonthTerms();
        var participants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var update in ordered.Concat(lateOrdered))
        {
            terms.Add(update.Title);
            terms.Add(update.Summary);
            terms.Add(string.Join(' ', update.Tags));
            participants.UnionWith(update.Participants);
            participants.Add(update.Organisation);
        }

        var first = ordered.Length > 0 ? ordered[0] : lateOrdered[0];
        var call = ordered.LastOrDefault(u => u.Kind == "call-for-partners");
        var started = ordered.FirstOrDefault(u => u.Kind == "collaboration-started");
        return new CollaborationMonth(
            id,
            first.Title,
            ordered.LastOrDefault(u => u.Status is not null)?.Status,
            ordered.Length > 0 ? ordered[^1].OccurredAt : lateOrdered[^1].OccurredAt,
            ordered.Length,
            CountBySender(ordered),
            Shown(ToItems(ordered)),
            lateOrdered.Length,
            CountBySender(lateOrdered),
            Shown(ToItems(lateOrdered)),
            [.. participants],
            News(call),
            News(started),
            ordered.Length > 0 ? News(ordered[0]) : null,
            terms.ToList());
    }

    private static NormalisedUpdate[] Order(IEnumerable<NormalisedUpdate> updates) =>
        updates.OrderBy(u => u.OccurredAt).ThenBy(u => u.ReceivedAt).ThenBy(u => u.Id, StringComparer.Ordinal).ToArray();

    private static NewsUpdate? News(NormalisedUpdate? update) =>
        update is null ? null : new NewsUpdate(update.Title, update.Summary, update.Area, update.OccurredAt);

    private static Dictionary<string, int> CountBySender(NormalisedUpdate[] updates) =>
        updates.GroupBy(u => u.Organisation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>A collaboration's updates as items: highlights first, each group in the order things happened.</summary>
    private static List<MonthItem> ToItems(NormalisedUpdate[] updates)
    {
        var items = new List<MonthItem>(updates.Length);
        string? status = null;
        foreach (var update in updates)
        {
            var changed = update.Status is not null && (status is null ? NotableStatuses.Contains(update.Status) : update.Status != status);
            var highlight = HighlightKinds.Contains(update.Kind) || (update.Kind == "status-report" && changed);
            status = update.Status ?? status;
            items.Add(new MonthItem(update.Id, update.Kind, update.Title, update.Summary, update.OccurredAt, update.Organisation, update.Status, highlight, update.Links));
        }

        return [.. items.Where(i => i.IsHighlight), .. items.Where(i => !i.IsHighlight)];
    }

    /// <summary>
    /// The items some partner can be shown: the first few, and for each sender among them the first few of the others
    /// (what a partner of that sender sees without <c>includeOwn</c>). Every other item only counts.
    /// </summary>
    private static MonthItem[] Shown(List<MonthItem> items)
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

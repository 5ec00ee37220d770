using System.Collections.Concurrent;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Everything one month's digests are composed from, built in one pass over the month's updates and the
/// collaboration catalogue: updates grouped by collaboration, who takes part in what, what is new, and the
/// likeness index. Memory grows with the month (its updates) and the catalogue, not with the update table.
/// Partners' digests are then composed from it without further reads; it is safe to compose in parallel.
/// </summary>
public sealed class DigestMonthIndex
{
    private DigestMonthIndex(
        DigestPeriod period,
        Dictionary<string, Collaboration> collaborations,
        Dictionary<string, NormalisedUpdate[]> updates,
        Dictionary<string, HashSet<string>> participants,
        Dictionary<string, List<string>> byOrganisation,
        LikenessFinder likeness)
    {
        Period = period;
        Collaborations = collaborations;
        Updates = updates;
        Participants = participants;
        ByOrganisation = byOrganisation;
        Likeness = likeness;
        UpdateCount = updates.Values.Sum(u => u.Length);
    }

    public DigestPeriod Period { get; }

    /// <summary>How many updates the month holds.</summary>
    public int UpdateCount { get; }

    internal Dictionary<string, Collaboration> Collaborations { get; }

    /// <summary>The month's updates per collaboration, in the order they occurred.</summary>
    internal Dictionary<string, NormalisedUpdate[]> Updates { get; }

    /// <summary>Participants per collaboration: the catalogue's and every one named by the month's updates.</summary>
    internal Dictionary<string, HashSet<string>> Participants { get; }

    internal Dictionary<string, List<string>> ByOrganisation { get; }

    internal LikenessFinder Likeness { get; }

    internal ConcurrentDictionary<string, DigestUpdateItem[]> Items { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, IReadOnlyList<Likeness>> Alike { get; } = new(StringComparer.Ordinal);

    internal Lazy<DigestNewsCandidate[]> News { get; set; } = new(() => []);

    /// <summary>Reads the month's updates and the catalogue once from <paramref name="source"/>.</summary>
    public static async Task<DigestMonthIndex> BuildAsync(IDigestSource source, DigestMonth month, CancellationToken cancellationToken)
    {
        var period = month.Period;
        var collaborations = new List<Collaboration>();
        await foreach (var collaboration in source.CollaborationsAsync(cancellationToken))
        {
            collaborations.Add(collaboration);
        }

        var updates = new List<NormalisedUpdate>();
        await foreach (var update in source.UpdatesAsync(period.From, period.To, cancellationToken))
        {
            updates.Add(update);
        }

        return Build(period, collaborations, updates);
    }

    /// <summary>Builds the index from what is already in memory (tests, benchmarks).</summary>
    public static DigestMonthIndex Build(DigestPeriod period, IEnumerable<Collaboration> collaborations, IEnumerable<NormalisedUpdate> updates)
    {
        var catalogue = new Dictionary<string, Collaboration>(StringComparer.Ordinal);
        var participants = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var likeness = new LikenessFinder.Builder();
        foreach (var collaboration in collaborations)
        {
            catalogue[collaboration.Id] = collaboration;
            ParticipantsOf(participants, collaboration.Id).UnionWith(collaboration.Participants);
            likeness.Add(collaboration.Id, collaboration.Title, candidate: false);
        }

        var grouped = new Dictionary<string, List<NormalisedUpdate>>(StringComparer.Ordinal);
        foreach (var update in updates.Where(u => period.Contains(u.ReceivedAt)))
        {
            if (!grouped.TryGetValue(update.Collaboration, out var list))
            {
                grouped.Add(update.Collaboration, list = []);
            }

            list.Add(update);
            ParticipantsOf(participants, update.Collaboration).UnionWith(update.Participants.Append(update.Organisation));
            likeness.Add(update.Collaboration, update.Title, candidate: true);
            likeness.Add(update.Collaboration, update.Summary, candidate: true);
            likeness.Add(update.Collaboration, string.Join(' ', update.Tags), candidate: true);
        }

        var byOrganisation = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (collaboration, members) in participants)
        {
            foreach (var organisation in members)
            {
                if (!byOrganisation.TryGetValue(organisation, out var list))
                {
                    byOrganisation.Add(organisation, list = []);
                }

                list.Add(collaboration);
            }
        }

        var ordered = grouped.ToDictionary(
            g => g.Key,
            g => g.Value.OrderBy(u => u.OccurredAt).ThenBy(u => u.ReceivedAt).ThenBy(u => u.Id, StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        var index = new DigestMonthIndex(period, catalogue, ordered, participants, byOrganisation, likeness.Build());
        index.News = new Lazy<DigestNewsCandidate[]>(index.FindNews);
        return index;
    }

    /// <summary>The month's new collaborations and calls for partners, one per collaboration (a call wins).</summary>
    private DigestNewsCandidate[] FindNews()
    {
        var news = new List<DigestNewsCandidate>();
        foreach (var (id, updates) in Updates)
        {
            var catalogued = Collaborations.GetValueOrDefault(id);
            var call = updates.LastOrDefault(u => u.Kind == "call-for-partners");
            var started = updates.FirstOrDefault(u => u.Kind == "collaboration-started");
            var isNew = catalogued is not null ? Period.Contains(catalogued.FirstActivity) || started is not null : started is not null;
            var shown = call ?? (isNew ? started ?? updates[0] : null);
            if (shown is null)
            {
                continue;
            }

            news.Add(new DigestNewsCandidate(
                call is not null ? DigestNewsKind.CallForPartners : DigestNewsKind.NewCollaboration,
                id,
                catalogued?.Title ?? shown.Title,
                shown.Title,
                shown.Summary,
                catalogued?.Area ?? shown.Area,
                call is null && catalogued is not null && Period.Contains(catalogued.FirstActivity) ? catalogued.FirstActivity : shown.OccurredAt,
                Participants[id]));
        }

        return news.OrderByDescending(n => n.At).ThenBy(n => n.CollaborationId, StringComparer.Ordinal).ToArray();
    }

    private static HashSet<string> ParticipantsOf(Dictionary<string, HashSet<string>> participants, string collaboration)
    {
        if (!participants.TryGetValue(collaboration, out var set))
        {
            participants.Add(collaboration, set = new HashSet<string>(StringComparer.Ordinal));
        }

        return set;
    }
}

internal sealed record DigestNewsCandidate(
    DigestNewsKind Kind,
    string CollaborationId,
    string CollaborationTitle,
    string UpdateTitle,
    string? Summary,
    string? Area,
    DateTimeOffset At,
    HashSet<string> Participants);

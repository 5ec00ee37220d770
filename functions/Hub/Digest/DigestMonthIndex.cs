using System.Collections.Concurrent;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// A month's shared index, as stored once per month: its cutoff and every collaboration's month folded
/// (<see cref="CollaborationMonth"/>). Its size grows with the collaborations active that month, not with the updates.
/// </summary>
public sealed record DigestIndexSnapshot(
    string Month,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(UtcDateTimeOffsetConverter))] DateTimeOffset Cutoff,
    int UpdateCount,
    int LateCount,
    IReadOnlyList<CollaborationMonth> Collaborations);

/// <summary>
/// Everything one month's digests are composed from: the shared index (<see cref="DigestIndexSnapshot"/>) with the
/// collaboration catalogue, who takes part in what, what is new, and the likeness index. Partners' digests are then
/// composed from it without further reads; it is safe to compose in parallel.
/// </summary>
public sealed class DigestMonthIndex
{
    private DigestMonthIndex(
        DigestPeriod period,
        DateTimeOffset? cutoff,
        Dictionary<string, Collaboration> collaborations,
        Dictionary<string, CollaborationMonth> months,
        Dictionary<string, HashSet<string>> participants,
        LikenessFinder likeness,
        int updateCount,
        int lateCount)
    {
        Period = period;
        Cutoff = cutoff;
        Collaborations = collaborations;
        Months = months;
        Participants = participants;
        Likeness = likeness;
        UpdateCount = updateCount;
        LateCount = lateCount;
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

        ByOrganisation = byOrganisation;
        News = new Lazy<DigestNewsCandidate[]>(FindNews);
    }

    public DigestPeriod Period { get; }

    /// <summary>The month's cutoff (null for a preview of a month not yet composed: everything stored so far).</summary>
    public DateTimeOffset? Cutoff { get; }

    /// <summary>How many updates that occurred in the month the index holds.</summary>
    public int UpdateCount { get; }

    /// <summary>How many updates of earlier months, reported late, the index holds.</summary>
    public int LateCount { get; }

    internal Dictionary<string, Collaboration> Collaborations { get; }

    /// <summary>The month of each collaboration with updates in it.</summary>
    internal Dictionary<string, CollaborationMonth> Months { get; }

    /// <summary>Participants per collaboration: the catalogue's members, or (not catalogued) those its updates name.</summary>
    internal Dictionary<string, HashSet<string>> Participants { get; }

    internal Dictionary<string, List<string>> ByOrganisation { get; }

    internal LikenessFinder Likeness { get; }

    internal ConcurrentDictionary<string, IReadOnlyList<Likeness>> Alike { get; } = new(StringComparer.Ordinal);

    /// <summary>The counties a collaboration's participants are in, filled by the composer on first use.</summary>
    internal ConcurrentDictionary<string, string[]> Counties { get; } = new(StringComparer.Ordinal);

    internal Lazy<DigestNewsCandidate[]> News { get; }

    /// <summary>Whether a collaboration is hidden from organisations that are not its members (<c>"public": false</c>).</summary>
    internal bool IsHidden(string collaboration) => Collaborations.TryGetValue(collaboration, out var c) && !c.Public;

    /// <summary>The index from a stored snapshot and the catalogue as it is now.</summary>
    public static DigestMonthIndex From(DigestIndexSnapshot snapshot, IEnumerable<Collaboration> catalogue)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(catalogue);
        var collaborations = new Dictionary<string, Collaboration>(StringComparer.Ordinal);
        var participants = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var likeness = new LikenessFinder.Builder();
        foreach (var collaboration in catalogue)
        {
            collaborations[collaboration.Id] = collaboration;
            // The digest follows the members, not the union of every participant ever sent.
            participants[collaboration.Id] = new HashSet<string>(collaboration.Organisations, StringComparer.Ordinal);
            likeness.Add(collaboration.Id, collaboration.Name, candidate: false);
        }

        var months = new Dictionary<string, CollaborationMonth>(StringComparer.Ordinal);
        foreach (var month in snapshot.Collaborations)
        {
            months[month.Id] = month;
            if (!collaborations.ContainsKey(month.Id))
            {
                // Not (yet) in the catalogue: its updates say who takes part.
                participants[month.Id] = new HashSet<string>(month.Participants, StringComparer.Ordinal);
            }

            likeness.AddTerms(month.Id, month.Terms, candidate: true);
        }

        var period = DigestMonth.Parse(snapshot.Month).Period;
        return new DigestMonthIndex(period, snapshot.Cutoff, collaborations, months, participants, likeness.Build(), snapshot.UpdateCount, snapshot.LateCount);
    }

    /// <summary>
    /// Builds the index from what is already in memory (tests, benchmarks): the updates that occurred in the period, and
    /// <paramref name="late"/> as reported late.
    /// </summary>
    public static DigestMonthIndex Build(
        DigestPeriod period,
        IEnumerable<Collaboration> collaborations,
        IEnumerable<NormalisedUpdate> updates,
        IEnumerable<NormalisedUpdate>? late = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        var onTime = updates.Where(u => period.Contains(u.OccurredAt)).ToLookup(u => u.Collaboration, StringComparer.Ordinal);
        var reported = (late ?? []).ToLookup(u => u.Collaboration, StringComparer.Ordinal);
        var months = onTime.Select(g => g.Key).Union(reported.Select(g => g.Key), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(id => CollaborationMonth.Fold(id, onTime[id].ToArray(), reported[id].ToArray()))
            .ToArray();
        var snapshot = new DigestIndexSnapshot(period.Month.ToString(), period.To, months.Sum(m => m.Count), months.Sum(m => m.LateCount), months);
        return From(snapshot, collaborations);
    }

    /// <summary>The month's new collaborations and calls for partners, one per collaboration (a call wins).</summary>
    private DigestNewsCandidate[] FindNews()
    {
        var news = new List<DigestNewsCandidate>();
        foreach (var (id, month) in Months)
        {
            if (month.Count == 0 || IsHidden(id))
            {
                continue;
            }

            var catalogued = Collaborations.GetValueOrDefault(id);
            var call = month.Call;
            var started = month.Started;
            var isNew = catalogued is not null ? Period.Contains(catalogued.FirstActivity) || started is not null : started is not null;
            var shown = call ?? (isNew ? started ?? month.First : null);
            if (shown is null)
            {
                continue;
            }

            news.Add(new DigestNewsCandidate(
                call is not null ? DigestNewsKind.CallForPartners : DigestNewsKind.NewCollaboration,
                id,
                catalogued?.Name ?? shown.Title,
                shown.Title,
                shown.Summary,
                catalogued?.Area ?? shown.Area,
                call is null && catalogued is not null && Period.Contains(catalogued.FirstActivity) ? catalogued.FirstActivity : shown.OccurredAt,
                Participants[id]));
        }

        return news.OrderByDescending(n => n.At).ThenBy(n => n.CollaborationId, StringComparer.Ordinal).ToArray();
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

using System.Collections.Concurrent;
using System.Threading.Channels;
using Mellanrum.Hub.Collaborations;
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

    /// <summary>The counties a collaboration's participants are in, filled by the composer on first use.</summary>
    internal ConcurrentDictionary<string, string[]> Counties { get; } = new(StringComparer.Ordinal);

    internal Lazy<DigestNewsCandidate[]> News { get; set; } = new(() => []);

    /// <summary>
    /// Reads the catalogue, then the month's updates once from <paramref name="source"/>. The updates are indexed
    /// (grouped, and analysed for the likeness finder) on a second task while the next ones are still being read, so
    /// the Swedish text analysis mostly hides behind the storage reads instead of following them.
    /// </summary>
    public static async Task<DigestMonthIndex> BuildAsync(IDigestSource source, DigestMonth month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var builder = new IndexBuilder(month.Period);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The catalogue is read beside the month's updates (two independent reads); the indexing task adds it first.
        var catalogue = Task.Run(
            async () =>
            {
                var collaborations = new List<Collaboration>();
                await foreach (var collaboration in source.CollaborationsAsync(stop.Token))
                {
                    collaborations.Add(collaboration);
                }

                return collaborations;
            },
            CancellationToken.None);
        var channel = Channel.CreateBounded<NormalisedUpdate>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var indexing = Task.Run(
            async () =>
            {
                try
                {
                    foreach (var collaboration in await catalogue)
                    {
                        builder.Add(collaboration);
                    }

                    await foreach (var update in channel.Reader.ReadAllAsync(stop.Token))
                    {
                        builder.Add(update);
                    }
                }
                catch
                {
                    // Stop the reader too, so that it never waits on a full channel nobody empties.
                    await stop.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var update in source.UpdatesAsync(month.Period.From, month.Period.To, stop.Token))
            {
                await channel.Writer.WriteAsync(update, stop.Token);
            }

            channel.Writer.Complete();
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete(e);
            await stop.CancelAsync();
            await Task.WhenAny(indexing);
            if (indexing.IsFaulted && e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The indexing failed first; its exception is the cause.
                await indexing;
            }

            throw;
        }

        await indexing;
        return builder.Build();
    }

    /// <summary>Builds the index from what is already in memory (tests, benchmarks).</summary>
    public static DigestMonthIndex Build(DigestPeriod period, IEnumerable<Collaboration> collaborations, IEnumerable<NormalisedUpdate> updates)
    {
        var builder = new IndexBuilder(period);
        foreach (var collaboration in collaborations)
        {
            builder.Add(collaboration);
        }

        foreach (var update in updates)
        {
            builder.Add(update);
        }

        return builder.Build();
    }

    /// <summary>Collects the catalogue, then the month's updates one at a time; not thread-safe.</summary>
    private sealed class IndexBuilder(DigestPeriod period)
    {
        private readonly Dictionary<string, Collaboration> _catalogue = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _participants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NormalisedUpdate>> _grouped = new(StringComparer.Ordinal);
        private readonly LikenessFinder.Builder _likeness = new();

        public void Add(Collaboration collaboration)
        {
            _catalogue[collaboration.Id] = collaboration;
            // The digest follows the members, not the union of every participant ever sent.
            ParticipantsOf(_participants, collaboration.Id).UnionWith(collaboration.Organisations);
            _likeness.Add(collaboration.Id, collaboration.Name, candidate: false);
        }

        public void Add(NormalisedUpdate update)
        {
            if (!period.Contains(update.ReceivedAt))
            {
                return;
            }

            if (!_grouped.TryGetValue(update.Collaboration, out var list))
            {
                _grouped.Add(update.Collaboration, list = []);
            }

            list.Add(update);
            if (!_catalogue.ContainsKey(update.Collaboration))
            {
                // Not (yet) in the catalogue: its updates say who takes part.
                var members = ParticipantsOf(_participants, update.Collaboration);
                members.UnionWith(update.Participants);
                members.Add(update.Organisation);
            }

            _likeness.Add(update.Collaboration, update.Title, candidate: true);
            _likeness.Add(update.Collaboration, update.Summary, candidate: true);
            _likeness.Add(update.Collaboration, string.Join(' ', update.Tags), candidate: true);
        }

        public DigestMonthIndex Build()
        {
            var byOrganisation = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (collaboration, members) in _participants)
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

            var ordered = _grouped.ToDictionary(
                g => g.Key,
                g => g.Value.OrderBy(u => u.OccurredAt).ThenBy(u => u.ReceivedAt).ThenBy(u => u.Id, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
            var index = new DigestMonthIndex(period, _catalogue, ordered, _participants, byOrganisation, _likeness.Build());
            index.News = new Lazy<DigestNewsCandidate[]>(index.FindNews);
            return index;
        }
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
                catalogued?.Name ?? shown.Title,
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

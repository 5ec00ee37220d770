using System.Globalization;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Composes one partner's digest from a <see cref="DigestMonthIndex"/>:
/// (a) the month's updates in the collaborations the partner's organisation takes part in, grouped by
/// collaboration, decisions and status changes first; (b) new collaborations and calls for partners in the
/// partner's areas (<c>filters.areas</c>) or county (its organisation's county and <c>filters.counties</c>),
/// outside its own collaborations; (c) "I mellanrummet": up to five collaborations elsewhere that read like one
/// of its own, with the words they share; and "Rapporterat i efterhand": updates of earlier months in its
/// collaborations that were stored after those months' digests were composed. A month with nothing in (a), (b) or the
/// late section gives no digest (null): suggestions alone are not worth an email. Updates the partner's organisation
/// sent itself count only with <c>includeOwn</c>. A collaboration that is not public is never in (b) or (c) (they show
/// work outside the partner's own); its members see it in (a).
/// </summary>
public sealed class DigestComposer(OrganisationRegistry registry)
{
    public const int MaxUpdatesPerCollaboration = 5;

    /// <summary>Own collaborations shown with their updates; the rest are listed by title (a long email gets clipped).</summary>
    public const int MaxCollaborations = 10;

    public const int MaxNewsItems = 10;

    public const int MaxSuggestions = 5;

    public const int MaxOrganisationNames = 4;

    /// <summary>Likeness results kept per collaboration before the partner's own collaborations are taken out.</summary>
    private const int LikenessDepth = 30;

    private static readonly StringComparer SwedishOrder = StringComparer.Create(CultureInfo.GetCultureInfo("sv-SE"), ignoreCase: false);

    public PartnerDigest? Compose(DigestMonthIndex index, Partner partner)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(partner);
        var organisation = partner.Organisation;
        var own = index.ByOrganisation.TryGetValue(organisation, out var list)
            ? list.ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

        var sections = OwnSections(index, partner, own, late: false);
        var late = OwnSections(index, partner, own, late: true);
        var news = News(index, partner, own);
        if (sections.Count == 0 && news.Count == 0 && late.Count == 0)
        {
            return null;
        }

        var shown = news.Select(n => n.CollaborationId).ToHashSet(StringComparer.Ordinal);
        return new PartnerDigest(
            partner.Id,
            organisation,
            NameOf(organisation),
            index.Period.Month,
            DigestLanguage.IsEnglish(partner.Digest?.Language) ? "en" : "sv",
            sections.Take(MaxCollaborations).ToArray(),
            news,
            Suggestions(index, own, shown))
        {
            MoreCollaborations = sections.Skip(MaxCollaborations)
                .Select(s => new DigestCollaborationMention(s.CollaborationId, s.Title, s.Updates.Count + s.MoreUpdates))
                .ToArray(),
            Late = late.Take(MaxCollaborations).ToArray(),
        };
    }

    /// <summary>The display name of an organisation: a municipality's name, otherwise its organisationsnummer.</summary>
    public string NameOf(string organisation) => registry.FindMunicipality(organisation)?.Name ?? organisation;

    /// <summary>
    /// The partner's collaborations with updates this month (or, with <paramref name="late"/>, with updates of earlier
    /// months reported late), decisions and status changes first.
    /// </summary>
    private List<DigestCollaborationSection> OwnSections(DigestMonthIndex index, Partner partner, HashSet<string> own, bool late)
    {
        var sections = new List<(DigestCollaborationSection Section, DateTimeOffset Latest)>();
        foreach (var id in own)
        {
            if (!index.Months.TryGetValue(id, out var month))
            {
                continue;
            }

            var count = late ? month.VisibleLateCount(partner.Organisation, partner.IncludeOwn) : month.VisibleCount(partner.Organisation, partner.IncludeOwn);
            var shown = (late ? month.LateItems : month.Items)
                .Where(i => partner.IncludeOwn || i.Sender != partner.Organisation)
                .Take(MaxUpdatesPerCollaboration)
                .Select(Item)
                .ToArray();
            if (count == 0 || shown.Length == 0)
            {
                continue;
            }

            var catalogued = index.Collaborations.GetValueOrDefault(id);
            sections.Add((
                new DigestCollaborationSection(
                    id,
                    catalogued?.Name ?? month.FirstTitle,
                    late ? null : month.Status ?? catalogued?.Status,
                    shown,
                    Math.Max(0, count - shown.Length)),
                month.Latest));
        }

        return sections
            .OrderByDescending(s => s.Section.Updates.Any(u => u.IsHighlight))
            .ThenByDescending(s => s.Latest)
            .ThenBy(s => s.Section.Title, SwedishOrder)
            .Select(s => s.Section)
            .ToList();
    }

    private DigestUpdateItem Item(MonthItem item) => new(
        item.Id,
        item.Kind,
        item.Title,
        item.Summary,
        Stockholm.DateOf(item.OccurredAt),
        item.Sender,
        NameOf(item.Sender),
        item.Status,
        item.IsHighlight,
        item.Links);

    private List<DigestNewsItem> News(DigestMonthIndex index, Partner partner, HashSet<string> own)
    {
        var areas = partner.Filters.Areas ?? [];
        var counties = (partner.Filters.Counties ?? []).ToHashSet(StringComparer.Ordinal);
        if (registry.CountyOf(partner.Organisation) is { } county)
        {
            counties.Add(county);
        }

        if (areas.Count == 0 && counties.Count == 0)
        {
            return [];
        }

        var news = new List<DigestNewsItem>();
        foreach (var candidate in index.News.Value)
        {
            if (own.Contains(candidate.CollaborationId) || index.IsHidden(candidate.CollaborationId))
            {
                continue;
            }

            var inArea = candidate.Area is not null && areas.Contains(candidate.Area, StringComparer.Ordinal);
            var inCounty = counties.Count > 0 && index.Counties
                .GetOrAdd(candidate.CollaborationId, static (_, state) => CountiesOf(state.Registry, state.Participants), (Registry: registry, candidate.Participants))
                .Any(counties.Contains);
            if (!inArea && !inCounty)
            {
                continue;
            }

            news.Add(new DigestNewsItem(
                candidate.Kind,
                candidate.CollaborationId,
                candidate.Kind == DigestNewsKind.CallForPartners ? candidate.UpdateTitle : candidate.CollaborationTitle,
                candidate.Summary,
                candidate.Area,
                Stockholm.DateOf(candidate.At),
                Names(candidate.Participants),
                inArea,
                inCounty));
            if (news.Count == MaxNewsItems)
            {
                break;
            }
        }

        return news;
    }

    private List<DigestSuggestion> Suggestions(DigestMonthIndex index, HashSet<string> own, HashSet<string> shown)
    {
        var best = new Dictionary<string, Likeness>(StringComparer.Ordinal);
        foreach (var id in own)
        {
            var alike = index.Alike.GetOrAdd(id, key => index.Likeness.FindLike(key, LikenessDepth));
            foreach (var likeness in alike)
            {
                // A collaboration that is not public is never shown to organisations outside it.
                if (own.Contains(likeness.DocumentId) || shown.Contains(likeness.DocumentId) || index.IsHidden(likeness.DocumentId))
                {
                    continue;
                }

                if (!best.TryGetValue(likeness.DocumentId, out var current) || likeness.Score > current.Score)
                {
                    best[likeness.DocumentId] = likeness;
                }
            }
        }

        return best.Values
            .OrderByDescending(l => l.Score)
            .ThenBy(l => l.DocumentId, StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .Select(l => new DigestSuggestion(
                l.DocumentId,
                TitleOf(index, l.DocumentId),
                Names(index.Participants.GetValueOrDefault(l.DocumentId) ?? []),
                l.LikeDocumentId,
                TitleOf(index, l.LikeDocumentId),
                l.SharedWords,
                l.Score))
            .ToList();
    }

    /// <summary>A collaboration its owner marked <c>"public": false</c>: only its members' own sections show it.</summary>
    private static bool IsHidden(DigestMonthIndex index, string collaboration) =>
        index.Collaborations.GetValueOrDefault(collaboration) is { Public: false };

    private static string[] CountiesOf(OrganisationRegistry registry, IEnumerable<string> participants) =>
        participants.Select(registry.CountyOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

    private static string TitleOf(DigestMonthIndex index, string collaboration) =>
        index.Collaborations.GetValueOrDefault(collaboration)?.Name
        ?? (index.Months.TryGetValue(collaboration, out var month) ? month.FirstTitle : collaboration);

    private string[] Names(IEnumerable<string> organisations) =>
        organisations.Select(NameOf).Order(SwedishOrder).ToArray();
}

using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Partners;

/// <summary>
/// Who gets an update: every partner whose organisation is a member of the collaboration, and every partner whose
/// filters match (only for a public collaboration: a collaboration marked not public reaches its members' partners
/// alone); the sender's own partners only when they ask for it (<c>includeOwn</c>). Pure.
/// A filter set matches when every dimension it names matches (a dimension matches when any of its values does);
/// a partner with no filters gets only its own collaborations.
/// </summary>
public static class Router
{
    public static IReadOnlyList<Partner> Route(NormalisedUpdate update, IReadOnlyCollection<string> members, bool isPublic, IEnumerable<Partner> partners, OrganisationRegistry organisations)
    {
        var participants = new HashSet<string>(members, StringComparer.Ordinal);
        var counties = participants.Select(organisations.CountyOf).OfType<string>().ToHashSet(StringComparer.Ordinal);

        return partners
            .Where(p => p.IncludeOwn || p.Organisation != update.Organisation)
            .Where(p => participants.Contains(p.Organisation) || (isPublic && FiltersMatch(p.Filters, update, participants, counties)))
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToArray();
    }

    public static bool FiltersMatch(PartnerFilters filters, NormalisedUpdate update, IReadOnlySet<string> participants, IReadOnlySet<string> counties)
    {
        var named = 0;
        bool Dimension(IReadOnlyList<string>? values, Func<IReadOnlyList<string>, bool> matches)
        {
            if (values is not { Count: > 0 })
            {
                return true;
            }

            named++;
            return matches(values);
        }

        var all =
            Dimension(filters.Areas, v => update.Area is not null && v.Contains(update.Area)) &
            Dimension(filters.Kinds, v => v.Contains(update.Kind)) &
            Dimension(filters.Organisations, v => v.Any(participants.Contains)) &
            Dimension(filters.Counties, v => v.Any(counties.Contains)) &
            Dimension(filters.Collaborations, v => v.Contains(update.Collaboration));
        return named > 0 && all;
    }
}

using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Portal;

/// <summary>One of last month's updates a partner would have got: why (its organisation takes part, or its filters matched).</summary>
public sealed record PreviewedUpdate(
    string UpdateId,
    string Title,
    string Kind,
    string? Area,
    string CollaborationId,
    string CollaborationName,
    DateTimeOffset OccurredAt,
    bool AsMember);

/// <summary>
/// What a partner with some filters would have got of one month's updates: how many updates the month held (read up to
/// <see cref="FilterPreview.MaxScanned"/>), how many would have reached it by its filters and as a member, and the first
/// <see cref="FilterPreview.MaxShown"/> of them, newest first.
/// </summary>
public sealed record FilterPreviewResult(
    DigestMonth Month,
    int Scanned,
    bool ScanLimited,
    int ByFilters,
    int AsMember,
    IReadOnlyList<PreviewedUpdate> Items);

/// <summary>
/// The partner page's preview of filters: last month's updates (those that occurred in it, as the digest reads a month,
/// from the digest's month index) run through the hub's own routing (<see cref="Router.Route"/>, the one fan-out uses) for the partner with the
/// filters given, against each collaboration's members and public flag as they are now.
/// </summary>
public sealed class FilterPreview(IDigestSource months, CollaborationStore collaborations, OrganisationRegistry organisations, TimeProvider time)
{
    /// <summary>Most updates read for one preview (a bound on its cost in a busy month).</summary>
    public const int MaxScanned = 20_000;

    /// <summary>Most matching updates listed; the counts cover them all.</summary>
    public const int MaxShown = 50;

    /// <summary>The Stockholm month before this one.</summary>
    public DigestMonth LastMonth => DigestMonth.Containing(time.GetUtcNow()).Previous();

    public async Task<FilterPreviewResult> PreviewAsync(Partner partner, PartnerFilters filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var month = LastMonth;
        var candidate = partner with { Filters = filters };
        var candidates = new[] { candidate };
        var known = new Dictionary<string, Collaboration?>(StringComparer.Ordinal);
        var matched = new List<PreviewedUpdate>();
        var scanned = 0;
        var limited = false;
        await foreach (var row in months.MonthAsync(month, cancellationToken))
        {
            var update = row.Update;
            if (++scanned > MaxScanned)
            {
                scanned = MaxScanned;
                limited = true;
                break;
            }

            if (!known.TryGetValue(update.Collaboration, out var collaboration))
            {
                collaboration = await collaborations.GetAsync(update.Collaboration, cancellationToken);
                known[update.Collaboration] = collaboration;
            }

            var members = collaboration?.Organisations ?? update.Participants;
            if (Router.Route(update, members, collaboration?.Public ?? true, candidates, organisations).Count == 0)
            {
                continue;
            }

            matched.Add(new PreviewedUpdate(
                update.Id,
                update.Title,
                update.Kind,
                update.Area,
                update.Collaboration,
                collaboration?.Name ?? update.CollaborationName ?? update.Collaboration,
                update.OccurredAt,
                members.Contains(partner.Organisation)));
        }

        var asMember = matched.Count(m => m.AsMember);
        return new FilterPreviewResult(
            month,
            scanned,
            limited,
            matched.Count - asMember,
            asMember,
            matched.OrderByDescending(m => m.OccurredAt).ThenBy(m => m.UpdateId, StringComparer.Ordinal).Take(MaxShown).ToArray());
    }
}

using System.Collections.Frozen;
using Mellanrum.Hub.Digest;

namespace Mellanrum.Hub.Register;

/// <summary>
/// The public register at one moment: every collaboration not marked <c>"public": false</c>, newest activity first, with
/// what the pages ask of it (a search, an organisation's collaborations and partners, the collaborations that read
/// alike, the network). Immutable, so any number of requests read it at once; <see cref="PublicRegister"/> makes a new
/// one when the collaborations change. The likeness finder is the digest's (<see cref="LikenessFinder"/>), built over
/// the public collaborations' names, descriptions and tags on first use.
/// </summary>
public sealed class RegisterSnapshot
{
    private readonly FrozenDictionary<string, RegisterEntry> _byId;
    private readonly FrozenDictionary<string, RegisterEntry[]> _byOrganisation;
    private readonly Lazy<LikenessFinder> _likeness;

    internal RegisterSnapshot(IReadOnlyList<RegisterEntry> entries, long version, DateTimeOffset builtAt)
    {
        Entries = [.. entries.OrderByDescending(e => e.Collaboration.LastActivity).ThenBy(e => e.Id, StringComparer.Ordinal)];
        Version = version;
        BuiltAt = builtAt;
        _byId = Entries.ToFrozenDictionary(e => e.Id, StringComparer.Ordinal);
        _byOrganisation = Entries.SelectMany(e => e.Members.Select(m => (m.Id, Entry: e)))
            .GroupBy(p => p.Id, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Entry).ToArray(), StringComparer.Ordinal);
        Organisations = [.. Entries.SelectMany(e => e.Members).DistinctBy(o => o.Id).OrderBy(o => o.Name, StringComparer.Create(RegisterEntry.Swedish, false))];
        Modified = Entries.Count == 0 ? null : Entries.Max(e => e.Collaboration.LastActivity);
        _likeness = new Lazy<LikenessFinder>(() => BuildLikeness(Entries));
    }

    /// <summary>The public collaborations, newest activity first.</summary>
    public IReadOnlyList<RegisterEntry> Entries { get; }

    /// <summary>Every organisation that is a member of a public collaboration, by name.</summary>
    public IReadOnlyList<RegisterOrganisation> Organisations { get; }

    /// <summary>The latest activity of any public collaboration (null in an empty register).</summary>
    public DateTimeOffset? Modified { get; }

    /// <summary>The collaborations' change count this snapshot was read at (<see cref="Collaborations.CollaborationIndex.Changes"/>).</summary>
    internal long Version { get; }

    internal DateTimeOffset BuiltAt { get; }

    public RegisterEntry? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The public collaborations <paramref name="organisation"/> is a member of, newest activity first.</summary>
    public IReadOnlyList<RegisterEntry> MemberOf(string organisation) => _byOrganisation.GetValueOrDefault(organisation) ?? [];

    /// <summary>The entries <paramref name="query"/> finds, newest activity first, as page <paramref name="page"/> of <paramref name="pageSize"/>.</summary>
    public RegisterPage Search(RegisterQuery query, int page, int pageSize)
    {
        var search = SwedishSearch.Parse(query.Words);
        var source = query.Member is { } member ? MemberOf(member) : Entries;
        var found = source.Where(e => query.Matches(e, search)).ToArray();
        var pages = Math.Max(1, (found.Length + pageSize - 1) / pageSize);
        var items = found.Skip((page - 1) * pageSize).Take(pageSize).ToArray();
        return new RegisterPage(items, found.Length, page, pages, pageSize);
    }

    /// <summary>
    /// The collaborations elsewhere that read most like <paramref name="id"/>: best first, none sharing a member with it,
    /// each with the words both use.
    /// </summary>
    public IReadOnlyList<RegisterAlike> AlikeElsewhere(string id, int max)
    {
        if (Find(id) is not { } entry)
        {
            return [];
        }

        return _likeness.Value
            .FindLike(id, max, other => _byId[other].SharesMemberWith(entry))
            .Select(l => new RegisterAlike(_byId[l.DocumentId], entry, l.Score, l.SharedWords))
            .ToArray();
    }

    /// <summary>
    /// What others do that reads like what <paramref name="organisation"/> does: for each collaboration it is a member of,
    /// those most alike that it is not a member of; each once (with its best match), best first.
    /// </summary>
    public IReadOnlyList<RegisterAlike> AlikeElsewhereFor(string organisation, int max)
    {
        var own = MemberOf(organisation);
        return own
            .SelectMany(entry => _likeness.Value
                .FindLike(entry.Id, max, other => _byId[other].IsMember(organisation))
                .Select(l => new RegisterAlike(_byId[l.DocumentId], entry, l.Score, l.SharedWords)))
            .GroupBy(a => a.Entry.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(a => a.Score).First())
            .OrderByDescending(a => a.Score)
            .ThenBy(a => a.Entry.Id, StringComparer.Ordinal)
            .Take(max)
            .ToArray();
    }

    /// <summary>The organisations <paramref name="organisation"/> shares public collaborations with, most shared first.</summary>
    public IReadOnlyList<RegisterPartner> PartnersOf(string organisation) =>
        MemberOf(organisation)
            .SelectMany(e => e.Members.Where(m => m.Id != organisation))
            .GroupBy(m => m.Id, StringComparer.Ordinal)
            .Select(g => new RegisterPartner(g.First(), g.Count()))
            .OrderByDescending(p => p.Shared)
            .ThenBy(p => p.Organisation.Name, StringComparer.Create(RegisterEntry.Swedish, false))
            .ToArray();

    /// <summary>The network of the collaborations with a member in <paramref name="county"/> and in <paramref name="area"/> (either may be null: all).</summary>
    public RegisterNetwork Network(string? county, string? area) =>
        RegisterNetwork.Of(Entries.Where(e => (county is null || e.Counties.Contains(county)) && (area is null || e.Collaboration.Area == area)).ToArray());

    private static LikenessFinder BuildLikeness(IReadOnlyList<RegisterEntry> entries)
    {
        var builder = new LikenessFinder.Builder();
        foreach (var entry in entries)
        {
            builder.Add(entry.Id, entry.Collaboration.Name);
            builder.Add(entry.Id, entry.Collaboration.Description);
            builder.Add(entry.Id, string.Join(' ', entry.Collaboration.Tags ?? []));
        }

        return builder.Build();
    }
}

namespace Mellanrum.Hub.Register;

/// <summary>One node of the network: an organisation or a collaboration, with where it starts out in the drawing.</summary>
/// <param name="Id">The node's id in the drawing: <c>o-{organisation}</c> or <c>c-{collaboration}</c>.</param>
/// <param name="Key">The organisation's or the collaboration's own id.</param>
/// <param name="Degree">How many edges it has: an organisation's collaborations, a collaboration's members.</param>
public sealed record NetworkNode(string Id, string Kind, string Key, string Label, string? Area, string? County, int Degree, double X, double Y)
{
    public const string Organisation = "organisation";
    public const string Collaboration = "collaboration";
}

/// <summary>An edge of the network: an organisation (by its node's index) is a member of a collaboration.</summary>
public readonly record struct NetworkEdge(int Organisation, int Collaboration);

/// <summary>
/// Who works with whom on what, as a network: each organisation linked to each collaboration it is a member of. The
/// positions are a start for the force layout that draws it, and a readable picture without one: municipalities on a
/// ring in county order (so a county's municipalities sit together), other organisations on an inner ring, and each
/// collaboration near the middle of its members, pulled a little towards the centre. Deterministic, so both hosts send
/// the same page.
/// </summary>
public sealed record RegisterNetwork(IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<NetworkEdge> Edges, IReadOnlyList<RegisterEntry> Collaborations, IReadOnlyList<RegisterOrganisation> Organisations)
{
    /// <summary>Roughly how far apart neighbouring organisations sit on the ring, in the drawing's units.</summary>
    private const double Spacing = 16;

    public static RegisterNetwork Of(IReadOnlyList<RegisterEntry> collaborations)
    {
        var organisations = collaborations.SelectMany(c => c.Members).DistinctBy(o => o.Id)
            .OrderBy(o => o.IsMunicipality ? 0 : 1)
            .ThenBy(o => o.County, StringComparer.Ordinal)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToArray();
        var radius = Math.Max(240, organisations.Length * Spacing / (2 * Math.PI));
        var nodes = new List<NetworkNode>(organisations.Length + collaborations.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var degree = collaborations.SelectMany(c => c.Members).GroupBy(m => m.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        for (var i = 0; i < organisations.Length; i++)
        {
            var organisation = organisations[i];
            var angle = (2 * Math.PI * i / organisations.Length) - (Math.PI / 2);
            var r = organisation.IsMunicipality ? radius : radius * 0.55;
            index[organisation.Id] = nodes.Count;
            nodes.Add(new NetworkNode("o-" + organisation.Id, NetworkNode.Organisation, organisation.Id, organisation.Name, null, organisation.County, degree[organisation.Id], Round(r * Math.Cos(angle)), Round(r * Math.Sin(angle))));
        }

        var edges = new List<NetworkEdge>();
        foreach (var collaboration in collaborations)
        {
            var members = collaboration.Members.Select(m => index[m.Id]).ToArray();
            var x = members.Average(m => nodes[m].X) * 0.72;
            var y = members.Average(m => nodes[m].Y) * 0.72;
            var jitter = Hash(collaboration.Id);
            var turn = 2 * Math.PI * (jitter % 3600) / 3600;
            var spread = 12 + (jitter / 3600 % 24);
            var at = nodes.Count;
            nodes.Add(new NetworkNode("c-" + collaboration.Id, NetworkNode.Collaboration, collaboration.Id, collaboration.Name, collaboration.Collaboration.Area, null, members.Length, Round(x + (spread * Math.Cos(turn))), Round(y + (spread * Math.Sin(turn)))));
            edges.AddRange(members.Select(m => new NetworkEdge(m, at)));
        }

        return new RegisterNetwork(nodes, edges, collaborations, organisations);
    }

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>FNV-1a of the id: the same in every process (string hash codes are not).</summary>
    private static uint Hash(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

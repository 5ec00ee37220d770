using Mellanrum.Hub.Collaborations;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>Collaborations for tests, made the way the hub makes them from updates: owner = the first member.</summary>
public static class TestCollaborations
{
    public static Collaboration Of(string id, string name, string? area, string? status, IReadOnlyList<string> members, DateTimeOffset first, DateTimeOffset last, int updates) =>
        new(id, name, null, null, area, status, members[0], [.. members.Select(m => new Member(m, first))], true, first, first, last, updates);
}

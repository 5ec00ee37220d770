using Mellanrum.Hub.Collaborations;

namespace Mellanrum.Hub.Register;

/// <summary>A public collaboration as the register shows it: the collaboration, its owner and members by name, their counties.</summary>
public sealed record RegisterEntry(Collaboration Collaboration, RegisterOrganisation Owner, IReadOnlyList<RegisterOrganisation> Members, IReadOnlyList<string> Counties)
{
    public string Id => Collaboration.Id;

    public string Name => Collaboration.Name;

    /// <summary>The words a search matches (name, description, tags), lower-case, each once.</summary>
    internal IReadOnlyList<string> Words { get; } = SwedishText.WordsOf(Collaboration.Name)
        .Concat(SwedishText.WordsOf(Collaboration.Description))
        .Concat((Collaboration.Tags ?? []).SelectMany(SwedishText.WordsOf))
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    public bool IsMember(string organisation) => Collaboration.IsMember(organisation);

    /// <summary>Whether this and <paramref name="other"/> have a member in common.</summary>
    public bool SharesMemberWith(RegisterEntry other) => Collaboration.Members.Any(m => other.Collaboration.IsMember(m.Organisation));

    internal static RegisterEntry Of(Collaboration collaboration, RegisterDirectory directory)
    {
        var members = collaboration.Members.Select(m => directory.Of(m.Organisation)).OrderBy(o => o.Name, StringComparer.Create(Swedish, false)).ToArray();
        var counties = members.Select(m => m.County).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new RegisterEntry(collaboration, directory.Of(collaboration.Owner), members, counties);
    }

    internal static readonly System.Globalization.CultureInfo Swedish = System.Globalization.CultureInfo.GetCultureInfo("sv-SE");
}

/// <summary>A collaboration elsewhere that reads like one here: the words both use are the reason.</summary>
/// <param name="Like">The collaboration it reads like (on an organisation's page, which of its own).</param>
public sealed record RegisterAlike(RegisterEntry Entry, RegisterEntry Like, double Score, IReadOnlyList<string> SharedWords);

/// <summary>An organisation another works with, and in how many collaborations.</summary>
public sealed record RegisterPartner(RegisterOrganisation Organisation, int Shared);

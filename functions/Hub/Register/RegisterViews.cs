using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Register;

/// <summary>One update as a collaboration's page shows it, with its sender by name.</summary>
public sealed record RegisterUpdate(NormalisedUpdate Update, RegisterOrganisation Sender);

/// <summary>
/// A collaboration's page: the collaboration as stored now, its updates newest first (a page of them, and the cursor of
/// the next), and the collaborations elsewhere that read most like it.
/// </summary>
public sealed record CollaborationView(RegisterEntry Entry, IReadOnlyList<RegisterUpdate> Updates, string? NextCursor, IReadOnlyList<RegisterAlike> Alike);

/// <summary>An organisation's page: what it takes part in, with whom, and what others do that reads like it.</summary>
public sealed record OrganisationView(RegisterOrganisation Organisation, IReadOnlyList<RegisterEntry> Collaborations, IReadOnlyList<RegisterPartner> Partners, IReadOnlyList<RegisterAlike> Alike);

/// <summary>What asking for an organisation came to: its page, the id to send the asker to (it was named otherwise), or nothing.</summary>
public abstract record OrganisationLookup
{
    public sealed record Found(OrganisationView View) : OrganisationLookup;

    /// <summary>The organisation was named by a name or another form of its number: its page is at its id.</summary>
    public sealed record Elsewhere(string Organisation) : OrganisationLookup;

    public sealed record NotFound : OrganisationLookup;
}

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// Who may speak for a collaboration (the contract's table), as pure decisions: null when allowed, else the problem to
/// answer. Only a source whose organisation is a member may post to it, name further participants (who become
/// members), add members or change it; the owner alone (or the admin) hands it over or makes it public or not; a member leaves by
/// its own source, or the admin removes it; the owner hands over before leaving.
/// </summary>
public static class CollaborationRules
{
    /// <summary>An update from <paramref name="sender"/> naming <paramref name="participants"/> (the sender among them).</summary>
    public static Problem? MayPost(Collaboration? existing, string sender, IReadOnlyCollection<string> participants)
    {
        if (existing is null)
        {
            return participants.Count > Collaboration.MaxMembers ? TooManyMembers(participants.Count) : null;
        }

        if (!existing.IsMember(sender))
        {
            return NotAMember(existing.Id);
        }

        var after = existing.Members.Select(m => m.Organisation).Union(participants, StringComparer.Ordinal).Count();
        return after > Collaboration.MaxMembers ? TooManyMembers(after) : null;
    }

    /// <summary>A <c>PUT</c> of <paramref name="change"/> to an existing collaboration.</summary>
    public static Problem? MayChange(Collaboration existing, Caller caller, CollaborationChange change)
    {
        if (!caller.IsAdmin && (caller.Organisation is not { } organisation || !existing.IsMember(organisation)))
        {
            return NotAMember(existing.Id);
        }

        var isOwner = caller.IsAdmin || caller.Organisation == existing.Owner;
        if (change.Public is { } visible && visible != existing.Public && !isOwner)
        {
            return Problem.Forbidden("Only the owner's source (or the admin) makes a collaboration public or not.", [new InvalidParameter("public", "Only the owner may change it.")]);
        }

        if (change.Owner is { } owner && owner != existing.Owner)
        {
            if (!isOwner)
            {
                return Problem.Forbidden("Only the owner's source (or the admin) hands a collaboration over.", [new InvalidParameter("owner", "Only the owner may hand over.")]);
            }

            if (!existing.IsMember(owner))
            {
                return Problem.Invalid([new InvalidParameter("owner", "The new owner must be a member of the collaboration.", Ids.Echo(owner))]);
            }
        }

        return null;
    }

    /// <summary>Adding <paramref name="organisation"/> to the members: a member's source or the admin, up to the limit.</summary>
    public static Problem? MayAdd(Collaboration existing, Caller caller, string organisation)
    {
        if (!caller.IsAdmin && (caller.Organisation is not { } own || !existing.IsMember(own)))
        {
            return NotAMember(existing.Id);
        }

        return !existing.IsMember(organisation) && existing.Members.Count >= Collaboration.MaxMembers
            ? Problem.Invalid([new InvalidParameter("organisation", $"A collaboration has at most {Collaboration.MaxMembers} members; it has {existing.Members.Count}.", Ids.Echo(organisation))])
            : null;
    }

    /// <summary>Removing <paramref name="organisation"/> from the members.</summary>
    public static Problem? MayRemove(Collaboration existing, Caller caller, string organisation)
    {
        if (!caller.IsAdmin && caller.Organisation != organisation)
        {
            return Problem.Forbidden("A member leaves by its own source's key; the admin may remove any member.", [new InvalidParameter("organisation", "Not the caller's organisation.", Ids.Echo(organisation))]);
        }

        if (!existing.IsMember(organisation))
        {
            return Problem.NotFound("That organisation is not a member of this collaboration.");
        }

        return organisation == existing.Owner
            ? Problem.Conflict("The owner cannot leave: hand the collaboration over to another member first (PUT with owner).")
            : null;
    }

    /// <summary>Whether <paramref name="caller"/> may see a collaboration that is not public (the admin, or a member's source).</summary>
    public static bool MaySee(Collaboration collaboration, Caller caller) =>
        collaboration.Public || caller.IsAdmin || (caller.Organisation is { } organisation && collaboration.IsMember(organisation));

    private static Problem NotAMember(string id) =>
        Problem.Forbidden(
            "Only a source whose organisation is a member of this collaboration may speak for it.",
            [new InvalidParameter("collaboration", "The sender's organisation is not a member of this collaboration.", id)]);

    private static Problem TooManyMembers(int count) =>
        Problem.Invalid([new InvalidParameter("participants", $"A collaboration has at most {Collaboration.MaxMembers} members; this would make {count}.")]);
}

using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Organisations;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.Collaborations;

/// <summary>A collaboration's own settings and members: a member's source key (found from the key alone) or the admin key.</summary>
public sealed class CollaborationFunctions(KeyAuthenticator keys, AuditLog audit, CollaborationStore collaborations, CollaborationIndex index, OrganisationRegistry organisations)
{
    /// <summary>Nightly: deletes index rows no cursor can need any more, and repairs the index against the collaborations.</summary>
    [Function(nameof(MaintainCollaborationIndex))]
    public Task MaintainCollaborationIndex([TimerTrigger("%HubCollaborationIndexSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        index.MaintainAsync(collaborations.AllWithIndexKeysAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// <c>PUT /api/v1/collaborations/{id}</c> <c>{"name","description","form","status","area","public","owner"}</c>: creates
    /// (a source: owned by its organisation; the admin names the owner) or sets the fields given. 201 created, 200
    /// changed; 401 without a source or admin key; 403 naming the field a caller may not change (not a member; only the
    /// owner changes <c>public</c> or hands over with <c>owner</c>); 415, 400, 422.
    /// </summary>
    [Function(nameof(PutCollaboration))]
    public async Task<IResult> PutCollaboration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/collaborations/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var caller = await keys.CallerAsync(request, cancellationToken);
        if (caller is Caller.AnonymousCaller)
        {
            return HubResults.Problem(Problem.Unauthorized("Authentication failed: send a member's source key or the admin key as Authorization: Bearer."));
        }

        if (!Ids.IsSlug(id))
        {
            return HubResults.Problem(Problem.Invalid([new InvalidParameter("id", "A collaboration id is 3-64 characters a-z, 0-9 and '-'.", Ids.Echo(id))]));
        }

        var (body, problem) = await JsonBody.ReadAsync<CollaborationChange>(request, cancellationToken);
        if (problem is not null)
        {
            return HubResults.Problem(problem);
        }

        var (change, errors) = CollaborationChangeValidator.Validate(body!, organisations);
        if (errors.Count > 0)
        {
            return HubResults.Problem(Problem.Invalid(errors));
        }

        var (outcome, refused) = await collaborations.PutAsync(id, caller, change, cancellationToken);
        if (refused is not null)
        {
            return HubResults.Problem(refused);
        }

        if (outcome is AdminOutcome<Collaboration>.Created or AdminOutcome<Collaboration>.Updated)
        {
            await audit.RecordAsync(caller, outcome is AdminOutcome<Collaboration>.Created ? "collaboration.created" : "collaboration.changed", id, cancellationToken: cancellationToken);
        }

        return HubResults.Outcome(outcome);
    }

    /// <summary>
    /// <c>PUT /api/v1/collaborations/{id}/members/{organisation}</c>: a member's source key, or the admin key, adds a
    /// member. 201 added, 200 a member already (the collaboration with its members either way); 401; 403 for a source
    /// that is not a member; 404; 422 naming <c>organisation</c> (not a known organisation, or the 400 members are full).
    /// </summary>
    [Function(nameof(AddCollaborationMember))]
    public async Task<IResult> AddCollaborationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/collaborations/{id}/members/{organisation}")] HttpRequest request,
        string id,
        string organisation,
        CancellationToken cancellationToken)
    {
        var caller = await keys.CallerAsync(request, cancellationToken);
        if (caller is Caller.AnonymousCaller)
        {
            return HubResults.Problem(Problem.Unauthorized("Authentication failed: send a member's source key or the admin key as Authorization: Bearer."));
        }

        if (!organisations.TryResolve(organisation, out var member))
        {
            return HubResults.Problem(Problem.Invalid([new InvalidParameter("organisation", "Not a known organisation: a kommunkod (4 digits), a municipality's name or an organisationsnummer (NNNNNN-NNNN).", Ids.Echo(organisation))]));
        }

        var (outcome, refused) = await collaborations.AddMemberAsync(id, caller, member, cancellationToken);
        if (refused is not null)
        {
            return HubResults.Problem(refused);
        }

        if (outcome is AdminOutcome<Collaboration>.Created)
        {
            await audit.RecordAsync(caller, "collaboration.member.added", id, member, cancellationToken);
        }

        return HubResults.Outcome(outcome, "No collaboration with that id.");
    }

    /// <summary>
    /// <c>DELETE /api/v1/collaborations/{id}/members/{organisation}</c>: that organisation's own source key, or the admin
    /// key. 204; 401; 403 for anyone else; 404; 409 for the owner (hand over first).
    /// </summary>
    [Function(nameof(RemoveCollaborationMember))]
    public async Task<IResult> RemoveCollaborationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/collaborations/{id}/members/{organisation}")] HttpRequest request,
        string id,
        string organisation,
        CancellationToken cancellationToken)
    {
        var caller = await keys.CallerAsync(request, cancellationToken);
        if (caller is Caller.AnonymousCaller)
        {
            return HubResults.Problem(Problem.Unauthorized("Authentication failed: send that organisation's source key or the admin key as Authorization: Bearer."));
        }

        var member = organisations.TryResolve(organisation, out var resolved) ? resolved : organisation;
        if (await collaborations.RemoveMemberAsync(id, caller, member, cancellationToken) is { } problem)
        {
            return HubResults.Problem(problem);
        }

        await audit.RecordAsync(caller, "collaboration.member.removed", id, member, cancellationToken);
        return HubResults.NoContent();
    }
}

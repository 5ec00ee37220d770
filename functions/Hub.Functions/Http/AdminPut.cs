using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>The shape every administration <c>PUT</c> shares: admin key, JSON body, 201 created / 200 updated / 422, and its audit entry.</summary>
public static class AdminPut
{
    public static Task<IResult> HandleAsync<TBody, TView>(
        KeyAuthenticator keys,
        AuditLog audit,
        HttpRequest request,
        string what,
        string target,
        Func<TBody, CancellationToken, Task<AdminOutcome<TView>>> put,
        CancellationToken cancellationToken)
        where TBody : class =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            var (body, problem) = await JsonBody.ReadAsync<TBody>(request, cancellationToken);
            if (problem is not null)
            {
                return HubResults.Problem(problem);
            }

            var outcome = await put(body!, cancellationToken);
            if (outcome is AdminOutcome<TView>.Created or AdminOutcome<TView>.Updated)
            {
                await audit.RecordAsync(caller, outcome is AdminOutcome<TView>.Created ? $"{what}.registered" : $"{what}.changed", target, cancellationToken: cancellationToken);
            }

            return HubResults.Outcome(outcome);
        });

    /// <summary>A credential act (rotate, revoke): the admin key, the outcome, its audit entry naming the credential's id (never the credential).</summary>
    public static Task<IResult> CredentialAsync<T>(
        KeyAuthenticator keys,
        AuditLog audit,
        HttpRequest request,
        string action,
        string target,
        Func<Task<AdminOutcome<T>>> act,
        Func<T, string> credentialId,
        string notFound,
        CancellationToken cancellationToken) =>
        keys.OnlyAdminAsync(request, async caller =>
        {
            var outcome = await act();
            var value = outcome switch
            {
                AdminOutcome<T>.Created c => c.Value,
                AdminOutcome<T>.Updated u => u.Value,
                _ => default,
            };
            if (value is null)
            {
                return HubResults.Problem(Problem.NotFound(notFound));
            }

            await audit.RecordAsync(caller, action, target, credentialId(value), cancellationToken);
            return HubResults.Json(value);
        });

    /// <summary>
    /// <c>DELETE …/{kind}/{credentialId}</c> of a source or a partner (<paramref name="subject"/>): a credential id of the kind
    /// the route names is revoked at once, anything else is a 404; audited as <c>{subject}.key.revoked</c> or <c>.secret.revoked</c>.
    /// </summary>
    public static Task<IResult> RevokeAsync<T>(
        KeyAuthenticator keys,
        AuditLog audit,
        HttpRequest request,
        string subject,
        string target,
        string kind,
        string credentialId,
        Func<Task<AdminOutcome<T>>> revoke,
        string notFound,
        CancellationToken cancellationToken) =>
        CredentialAsync(
            keys,
            audit,
            request,
            $"{subject}.{(kind == "keys" ? "key" : "secret")}.revoked",
            target,
            () => CredentialKinds.Matches(kind, credentialId) ? revoke() : Task.FromResult<AdminOutcome<T>>(new AdminOutcome<T>.NotFound()),
            _ => credentialId,
            notFound,
            cancellationToken);
}

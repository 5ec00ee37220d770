using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>The shape every administration <c>PUT</c> shares: admin key, JSON body, 201 created / 200 updated / 422.</summary>
public static class AdminPut
{
    public static Task<IResult> HandleAsync<TBody, TView>(
        KeyAuthenticator keys,
        HttpRequest request,
        Func<TBody, CancellationToken, Task<AdminOutcome<TView>>> put,
        CancellationToken cancellationToken)
        where TBody : class =>
        keys.OnlyAdminAsync(request, async () =>
        {
            var (body, problem) = await JsonBody.ReadAsync<TBody>(request, cancellationToken);
            return problem is not null ? HubResults.Problem(problem) : HubResults.Outcome(await put(body!, cancellationToken));
        });
}

using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Http;

/// <summary>The shape every administration <c>PUT</c> shares: admin key, JSON body, 201 created / 200 updated / 422.</summary>
public static class AdminPut
{
    public static async Task<IResult> HandleAsync<TBody, TView>(
        AdminAuthenticator admin,
        HttpRequest request,
        Func<TBody, CancellationToken, Task<AdminOutcome<TView>>> put,
        CancellationToken cancellationToken)
        where TBody : class
    {
        if (!admin.IsAdmin(request))
        {
            return Problem.Unauthorized();
        }

        var (body, problem) = await JsonBody.ReadAsync<TBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await put(body!, cancellationToken) switch
        {
            AdminOutcome<TView>.Created c => HubResults.Json(c.Value, StatusCodes.Status201Created),
            AdminOutcome<TView>.Updated u => HubResults.Json(u.Value),
            AdminOutcome<TView>.Invalid i => Problem.Invalid(i.Errors),
            _ => Problem.NotFound("Not found."),
        };
    }
}

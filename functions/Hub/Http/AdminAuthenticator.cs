using System.Security.Cryptography;
using System.Text;
using Mellanrum.Hub.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Http;

/// <summary>Checks the operator's admin key, sent as <c>Authorization: Bearer</c>.</summary>
public sealed class AdminAuthenticator(IOptions<HubOptions> options)
{
    public bool IsAdmin(HttpRequest request) => BearerToken(request) is { } token && Matches(token);

    public bool Matches(string token)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return options.Value.AdminKey.Length > 0 && CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}

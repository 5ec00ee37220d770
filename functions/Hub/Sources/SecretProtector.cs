using Microsoft.AspNetCore.DataProtection;

namespace Mellanrum.Hub.Sources;

/// <summary>Protects HMAC secrets at rest with Data Protection; the hub needs them back to verify and sign.</summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Mellanrum.Hub.WebhookSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

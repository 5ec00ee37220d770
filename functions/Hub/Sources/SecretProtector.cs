using Microsoft.AspNetCore.DataProtection;

namespace Mellanrum.Hub.Sources;

/// <summary>Protects HMAC secrets at rest with Data Protection; the hub needs them back to verify and sign.</summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Mellanrum.Hub.WebhookSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret)
    {
        HubMetrics.CredentialOperations.Add(1, new KeyValuePair<string, object?>("operation", "unprotect"));
        return _protector.Unprotect(protectedSecret);
    }

    /// <summary>A secret protected once per process, to unprotect where there is nothing real to check (an unknown source), so that costs the same.</summary>
    public string Decoy => _decoy.Value;

    private readonly Lazy<string> _decoy = new(() => provider.CreateProtector("Mellanrum.Hub.WebhookSecret.v1").Protect(Credentials.NewWebhookSecret()));
}

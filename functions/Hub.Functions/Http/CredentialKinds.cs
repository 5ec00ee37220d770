namespace Mellanrum.Hub.Functions.Http;

/// <summary>The credential kinds a revocation route names: <c>keys</c> (ids <c>key_…</c>) and <c>secrets</c> (ids <c>sec_…</c>).</summary>
public static class CredentialKinds
{
    public static bool Matches(string kind, string credentialId) =>
        (kind == "keys" && credentialId.StartsWith("key_", StringComparison.Ordinal))
        || (kind == "secrets" && credentialId.StartsWith("sec_", StringComparison.Ordinal));
}

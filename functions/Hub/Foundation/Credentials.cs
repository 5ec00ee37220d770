using System.Security.Cryptography;
using System.Text;

namespace Mellanrum.Hub.Foundation;

/// <summary>Makes and checks the secrets the hub hands out: <c>whsec_</c> signing secrets and Bearer keys.</summary>
public static class Credentials
{
    public const string SecretPrefix = WebhookSignature.SecretPrefix;
    public const string KeyPrefix = "mhk_";

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewWebhookSecret() => WebhookSignature.CreateSecret();

    /// <summary>A Bearer key: 32 random bytes, URL-safe; high entropy, so a plain SHA-256 is a sound stored hash.</summary>
    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool KeyMatches(string presented, string storedHash)
    {
        HubMetrics.CredentialOperations.Add(1, new KeyValuePair<string, object?>("operation", "key-compare"));
        var presentedHash = Encoding.ASCII.GetBytes(HashKey(presented));
        var stored = Encoding.ASCII.GetBytes(storedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, stored);
    }

    /// <summary>The key bytes of a <c>whsec_</c> secret.</summary>
    public static byte[] SecretBytes(string secret) =>
        WebhookSignature.TryReadKey(secret, out var key) ? key : throw new FormatException("Not a whsec_ secret.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Standard Webhooks signing: <c>v1,</c> + base64 HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>,
/// keyed with the base64 part of the partner's <c>whsec_</c> secret. Signs the exact body bytes that are sent.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>A new signing secret (<c>whsec_</c> + 32 random bytes in base64), shown to the partner once.</summary>
    public static string CreateSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads the key of a <c>whsec_</c> secret (the prefix is optional); false when it is not base64 or too short.</summary>
    public static bool TryReadKey(string? secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written) || written < 16)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }

    /// <summary>The <c>webhook-signature</c> value for one delivery.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string webhookId, long unixSeconds, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(ComputeHmac(key, webhookId, unixSeconds.ToString(CultureInfo.InvariantCulture), body));

    /// <summary>
    /// HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>, the Standard Webhooks signed content; the one place both the
    /// outgoing signer and the ingest verifier compute it (the timestamp exactly as sent in its header).
    /// </summary>
    public static byte[] ComputeHmac(ReadOnlySpan<byte> key, string webhookId, string timestamp, ReadOnlySpan<byte> body)
    {
        HubMetrics.CredentialOperations.Add(1, new KeyValuePair<string, object?>("operation", "hmac"));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(webhookId));
        hmac.AppendData("."u8);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp));
        hmac.AppendData("."u8);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

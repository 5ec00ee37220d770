using System.Globalization;
using System.Security.Cryptography;

namespace Mellanrum.Hub.Ingest;

/// <summary>Why a Standard Webhooks signature did not verify (for tests and metrics; the caller always sees one 401).</summary>
public enum SignatureFailure
{
    None,
    MissingHeaders,
    BadTimestamp,
    TooOld,
    TooNew,
    NoMatch,
}

/// <summary>
/// Verifies Standard Webhooks signatures (<c>v1,</c> HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>) against any of a
/// source's valid secrets, with a time window from the injected clock. Checked against the StandardWebhooks package in the tests.
/// </summary>
public static class SignatureVerifier
{
    public static SignatureFailure Verify(
        string? webhookId,
        string? webhookTimestamp,
        string? webhookSignature,
        ReadOnlySpan<byte> body,
        IEnumerable<byte[]> secrets,
        DateTimeOffset now,
        TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            return SignatureFailure.MissingHeaders;
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureFailure.BadTimestamp;
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        if (seconds < nowSeconds - (long)tolerance.TotalSeconds)
        {
            return SignatureFailure.TooOld;
        }

        if (seconds > nowSeconds + (long)tolerance.TotalSeconds)
        {
            return SignatureFailure.TooNew;
        }

        var presented = new List<byte[]>();
        foreach (var part in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma > 0 && part.AsSpan(0, comma).SequenceEqual("v1"))
            {
                var bytes = new byte[32];
                if (Convert.TryFromBase64String(part[(comma + 1)..], bytes, out var written) && written == 32)
                {
                    presented.Add(bytes);
                }
            }
        }

        foreach (var secret in secrets)
        {
            var expected = WebhookSignature.ComputeHmac(secret, webhookId, webhookTimestamp, body);
            foreach (var candidate in presented)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, candidate))
                {
                    return SignatureFailure.None;
                }
            }
        }

        return SignatureFailure.NoMatch;
    }

    /// <summary>Signs as a sender would: <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body, byte[] secret) =>
        WebhookSignature.Sign(secret, webhookId, timestamp, body);
}

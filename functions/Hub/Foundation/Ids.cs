using System.Security.Cryptography;
using System.Text;

namespace Mellanrum.Hub.Foundation;

/// <summary>Identifiers: slugs for what people name, base32 for what the hub names.</summary>
public static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static bool IsSlug(string? value) =>
        value is { Length: >= 3 and <= 64 } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>
    /// A partner id: <c>[a-z0-9]+(-[a-z0-9]+)*</c>, 3 to 55 characters, so that <c>partner-{id}</c> is a valid storage-queue
    /// name (3-63 characters, no leading, trailing or doubled '-') and Service Bus queue name.
    /// </summary>
    public static bool IsPartnerId(string? value) =>
        value is { Length: >= 3 and <= 55 } && IsSlug(value) && value[0] != '-' && value[^1] != '-' && !value.Contains("--", StringComparison.Ordinal);

    /// <summary>
    /// A value for an error message, as the normaliser echoes values: cleaned, cut to 40 characters, and never when it
    /// holds a personnummer (null then).
    /// </summary>
    public static string? Echo(string? value) => string.IsNullOrEmpty(value) ? null : Foundation.Echo.Of(value);

    /// <summary>A fresh random id: 26 lowercase base32 characters.</summary>
    public static string NewId() => Base32(RandomNumberGenerator.GetBytes(16));

    /// <summary>The same id for the same parts, so that a retried write lands on the same entity.</summary>
    public static string Deterministic(params string[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return Base32(hash.AsSpan(0, 16));
    }

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return sb.ToString();
    }
}

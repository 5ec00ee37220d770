using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Mellanrum.Hub.Digest;

/// <summary>Builds the email: <c>multipart/alternative</c> (plain text first, then HTML), UTF-8 throughout.</summary>
public static class DigestMessage
{
    public static MimeMessage Create(RenderedDigest digest, MailboxAddress from, MailboxAddress to, string partnerId, DigestMonth month, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var message = new MimeMessage
        {
            Subject = digest.Subject,
            Date = date,
            Body = new MultipartAlternative
            {
                new TextPart("plain") { Text = digest.Text },
                new TextPart("html") { Text = digest.Html },
            },
        };
        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            part.ContentType.Charset = "utf-8";
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        }

        message.From.Add(from);
        message.To.Add(to);

        // The same (partner, recipient, month) always has the same Message-ID, so a mail system can tell a repeat.
        var domain = from.Domain is { Length: > 0 } d ? d : "mellanrum.local";
        message.MessageId = $"digest.{month}.{partnerId}.{RecipientKey(to)[..16]}@{domain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        return message;
    }

    /// <summary>The lower-case address a ledger keys on (what counts as "the same recipient").</summary>
    public static string NormaliseRecipient(MailboxAddress address) => address.Address.Trim().ToLowerInvariant();

    /// <summary>A stable hash of the recipient, for file names, keys and Message-IDs (never the address itself).</summary>
    public static string RecipientKey(MailboxAddress address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(NormaliseRecipient(address))));

    /// <summary>Reads <c>Åsa Öberg &lt;asa@example.se&gt;</c> or a bare address; false when it is not one address.</summary>
    public static bool TryParseMailbox(string? value, out MailboxAddress address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(value.Trim(), out var parsed)
            || !parsed.Address.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        address = parsed;
        return true;
    }
}

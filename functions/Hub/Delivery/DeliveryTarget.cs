using System.Security.Cryptography;
using System.Text;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// One place an update goes: a partner's channel (type, and the URL for a webhook). <see cref="Token"/> is how the
/// fan-out ledger remembers it: 12 characters (72 bits of SHA-256 of the partner, type and URL), so the settled set of
/// an update routed to a thousand partners takes about 13 KB, not the 150 KB its long keys would.
/// </summary>
public readonly record struct DeliveryTarget(string PartnerId, string Channel, string? Url)
{
    public static DeliveryTarget Of(Partner partner, PartnerChannel channel) => new(partner.Id, channel.Type, channel.Url);

    /// <summary>The key rows written before tokens held.</summary>
    public string LegacyKey => $"{PartnerId}|{Channel}|{Url}";

    public string Token
    {
        get
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(LegacyKey), hash);
            return Convert.ToBase64String(hash[..9]).Replace('+', '-').Replace('/', '_');
        }
    }
}

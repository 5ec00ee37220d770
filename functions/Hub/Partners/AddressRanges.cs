using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mellanrum.Hub.Partners;

/// <summary>How far an address is from the public internet.</summary>
internal enum AddressScope
{
    /// <summary>Globally routable: a webhook may go there.</summary>
    Public,

    /// <summary>Private, loopback, unique-local, CGNAT: allowed only with <c>AllowPrivateTargets</c> (local development).</summary>
    Internal,

    /// <summary>Link-local, multicast, unspecified, broadcast, documentation, benchmarking, reserved: never.</summary>
    Forbidden,
}

/// <summary>The IANA special-purpose address registries (IPv4 and IPv6) as far as a webhook target is concerned.</summary>
internal static class AddressRanges
{
    private static readonly AddressRange[] V4 =
    [
        new("0.0.0.0/8", AddressScope.Forbidden, "an unspecified ('this network') address"),
        new("10.0.0.0/8", AddressScope.Internal, "a private address"),
        new("100.64.0.0/10", AddressScope.Internal, "a carrier-grade NAT address"),
        new("127.0.0.0/8", AddressScope.Internal, "a loopback address"),
        new("169.254.0.0/16", AddressScope.Forbidden, "a link-local address (cloud metadata lives here)"),
        new("172.16.0.0/12", AddressScope.Internal, "a private address"),
        new("192.0.0.0/24", AddressScope.Forbidden, "an IETF protocol assignment address"),
        new("192.0.2.0/24", AddressScope.Forbidden, "a documentation address (TEST-NET-1)"),
        new("192.31.196.0/24", AddressScope.Forbidden, "an AS112 address"),
        new("192.52.193.0/24", AddressScope.Forbidden, "an AMT address"),
        new("192.88.99.0/24", AddressScope.Forbidden, "a 6to4 relay anycast address"),
        new("192.168.0.0/16", AddressScope.Internal, "a private address"),
        new("192.175.48.0/24", AddressScope.Forbidden, "an AS112 address"),
        new("198.18.0.0/15", AddressScope.Forbidden, "a benchmarking address"),
        new("198.51.100.0/24", AddressScope.Forbidden, "a documentation address (TEST-NET-2)"),
        new("203.0.113.0/24", AddressScope.Forbidden, "a documentation address (TEST-NET-3)"),
        new("224.0.0.0/4", AddressScope.Forbidden, "a multicast address"),
        new("255.255.255.255/32", AddressScope.Forbidden, "the broadcast address"),
        new("240.0.0.0/4", AddressScope.Forbidden, "a reserved address"),
    ];

    private static readonly AddressRange[] V6 =
    [
        new("::/128", AddressScope.Forbidden, "the unspecified address"),
        new("::1/128", AddressScope.Internal, "a loopback address"),
        new("::/96", AddressScope.Forbidden, "an IPv4-compatible IPv6 address (deprecated)"),
        new("64:ff9b:1::/48", AddressScope.Internal, "a local-use NAT64 address"),
        new("100::/64", AddressScope.Forbidden, "a discard-only address"),
        new("2001:db8::/32", AddressScope.Forbidden, "a documentation address"),
        new("2001::/23", AddressScope.Forbidden, "an IETF protocol assignment address (Teredo, ORCHID, benchmarking)"),
        new("2002::/16", AddressScope.Forbidden, "a 6to4 address"),
        new("3fff::/20", AddressScope.Forbidden, "a documentation address"),
        new("5f00::/16", AddressScope.Forbidden, "a segment-routing address"),
        new("fc00::/7", AddressScope.Internal, "a unique-local address"),
        new("fe80::/10", AddressScope.Forbidden, "a link-local address"),
        new("fec0::/10", AddressScope.Forbidden, "a site-local address (deprecated)"),
        new("ff00::/8", AddressScope.Forbidden, "a multicast address"),
    ];

    private static readonly AddressRange Nat64 = new("64:ff9b::/96", AddressScope.Public, "a NAT64 address");
    private static readonly AddressRange GlobalUnicast = new("2000::/3", AddressScope.Public, "a global unicast address");

    /// <summary>Classifies an address; IPv4 embedded in IPv6 (mapped, NAT64) is judged by its IPv4 part.</summary>
    public static (AddressScope Scope, string Description) Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Match(V4, address.GetAddressBytes()) ?? (AddressScope.Public, "a public address");
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return (AddressScope.Forbidden, "not an IP address");
        }

        if (address.ScopeId != 0)
        {
            return (AddressScope.Forbidden, "a scoped (zone) address");
        }

        var bytes = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6)
        {
            var (scope, description) = Classify(address.MapToIPv4());
            return (scope, "an IPv4-mapped IPv6 form of " + description);
        }

        if (Nat64.Contains(bytes))
        {
            var (scope, description) = Classify(new IPAddress(bytes.AsSpan(12, 4)));
            return (scope, "a NAT64 form of " + description);
        }

        if (Match(V6, bytes) is { } special)
        {
            return special;
        }

        return GlobalUnicast.Contains(bytes)
            ? (AddressScope.Public, "a public address")
            : (AddressScope.Forbidden, "a reserved address (outside global unicast)");
    }

    private static (AddressScope, string)? Match(AddressRange[] ranges, byte[] bytes)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(bytes))
            {
                return (range.Scope, range.Description);
            }
        }

        return null;
    }

    private sealed class AddressRange
    {
        private readonly byte[] prefix;
        private readonly int length;

        public AddressRange(string cidr, AddressScope scope, string description)
        {
            var slash = cidr.IndexOf('/', StringComparison.Ordinal);
            prefix = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
            length = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
            Scope = scope;
            Description = description;
        }

        public AddressScope Scope { get; }

        public string Description { get; }

        public bool Contains(byte[] address)
        {
            if (address.Length != prefix.Length)
            {
                return false;
            }

            var whole = length / 8;
            if (!address.AsSpan(0, whole).SequenceEqual(prefix.AsSpan(0, whole)))
            {
                return false;
            }

            var rest = length % 8;
            if (rest == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - rest));
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }
}

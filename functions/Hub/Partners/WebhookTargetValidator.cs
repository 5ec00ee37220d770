using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Partners;

/// <summary>
/// Decides whether a partner's webhook URL may be called: at registration (<see cref="CheckUrl(string?)"/>, no DNS)
/// and again for every address the host resolves to when connecting (<see cref="CheckAddress"/>).
/// Only <c>https</c> to public addresses; no user information; no numeric host spellings other than the dotted
/// IPv4 and bracketed IPv6 forms; no names that only make sense inside a network (<c>localhost</c>, single labels,
/// <c>.internal</c>, <c>.local</c>, ...); no well-known port below 1024 except 80 and 443.
/// With <see cref="WebhookTargetOptions.AllowPrivateTargets"/> (local development) <c>http</c>, internal names and internal
/// addresses (private, loopback, unique-local, CGNAT) are allowed; link-local, multicast and reserved addresses never.
/// </summary>
public sealed class WebhookTargetValidator(IOptions<WebhookTargetOptions> options)
{
    /// <summary>Longest URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    private static readonly string[] InternalSuffixes =
    [
        ".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home", ".corp", ".private",
        ".home.arpa", ".arpa", ".test", ".invalid", ".example", ".onion", ".alt",
    ];

    private readonly bool allowPrivateTargets = options.Value.AllowPrivateTargets;

    /// <summary>Checks a URL as registered by a partner; no DNS lookup (that happens at connection time).</summary>
    public WebhookTargetDecision CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return WebhookTargetDecision.Refused("the URL is empty");
        }

        if (url.Length > MaxUrlLength)
        {
            return WebhookTargetDecision.Refused($"the URL is longer than {MaxUrlLength} characters");
        }

        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return WebhookTargetDecision.Refused("the URL contains whitespace or control characters");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return WebhookTargetDecision.Refused("the URL is not an absolute URL");
        }

        return CheckUri(uri, url);
    }

    /// <summary>Checks one address a webhook host resolved to (or an IP literal host).</summary>
    public WebhookTargetDecision CheckAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (scope, description) = AddressRanges.Classify(address);
        return scope switch
        {
            AddressScope.Public => WebhookTargetDecision.Allowed,
            AddressScope.Internal when allowPrivateTargets => WebhookTargetDecision.Allowed,
            _ => WebhookTargetDecision.Refused($"{address} is {description}"),
        };
    }

    private WebhookTargetDecision CheckUri(Uri uri, string original)
    {
        var https = string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        var http = string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase);
        if (!https && !(http && allowPrivateTargets))
        {
            return WebhookTargetDecision.Refused(http ? "the URL must use https" : $"the scheme '{uri.Scheme}' is not https");
        }

        var rawAuthority = RawAuthority(original);
        if (uri.UserInfo.Length > 0 || rawAuthority.Contains('@', StringComparison.Ordinal))
        {
            return WebhookTargetDecision.Refused("the URL must not carry user information (user:password@)");
        }

        if (!uri.IsDefaultPort && uri.Port < 1024 && uri.Port is not (80 or 443))
        {
            return WebhookTargetDecision.Refused($"port {uri.Port} is a well-known non-web port");
        }

        return uri.HostNameType switch
        {
            UriHostNameType.IPv4 => CheckIPv4Literal(uri, rawAuthority),
            UriHostNameType.IPv6 => CheckIPv6Literal(uri),
            UriHostNameType.Dns => CheckHostName(uri.IdnHost),
            _ => WebhookTargetDecision.Refused("the URL has no usable host"),
        };
    }

    private WebhookTargetDecision CheckIPv4Literal(Uri uri, string rawAuthority)
    {
        // Uri turns 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 into 127.0.0.1; other parsers may disagree,
        // so only the plain dotted-decimal spelling is accepted.
        var rawHost = RawHost(rawAuthority);
        if (!string.Equals(rawHost, uri.Host, StringComparison.Ordinal))
        {
            return WebhookTargetDecision.Refused("the IPv4 host is not written in plain dotted-decimal form");
        }

        return CheckAddress(IPAddress.Parse(uri.Host));
    }

    private WebhookTargetDecision CheckIPv6Literal(Uri uri)
    {
        if (!IPAddress.TryParse(uri.DnsSafeHost, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return WebhookTargetDecision.Refused("the IPv6 host cannot be read");
        }

        return CheckAddress(address);
    }

    private WebhookTargetDecision CheckHostName(string idnHost)
    {
        var host = idnHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0 || host.Length > 253)
        {
            return WebhookTargetDecision.Refused("the host name is empty or too long");
        }

        if (IPAddress.TryParse(host, out _) || LooksNumeric(host))
        {
            return WebhookTargetDecision.Refused("the host is a numeric address spelling");
        }

        if (allowPrivateTargets)
        {
            return WebhookTargetDecision.Allowed;
        }

        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return WebhookTargetDecision.Refused("the host is a loopback name");
        }

        if (!host.Contains('.', StringComparison.Ordinal))
        {
            return WebhookTargetDecision.Refused("a single-label host name resolves inside a network");
        }

        foreach (var suffix in InternalSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.Ordinal))
            {
                return WebhookTargetDecision.Refused($"the host is under '{suffix}', a name that is not public");
            }
        }

        return WebhookTargetDecision.Allowed;
    }

    /// <summary>WHATWG URL rule: a host whose last label is a number (decimal or 0x hex) is an IPv4 address.</summary>
    private static bool LooksNumeric(string host)
    {
        var last = host[(host.LastIndexOf('.') + 1)..];
        if (last.Length == 0)
        {
            return false;
        }

        if (last.StartsWith("0x", StringComparison.Ordinal))
        {
            return last[2..].All(char.IsAsciiHexDigit);
        }

        return last.All(char.IsAsciiDigit);
    }

    private static string RawAuthority(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return string.Empty;
        }

        var rest = url[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        return end < 0 ? rest : rest[..end];
    }

    private static string RawHost(string rawAuthority)
    {
        var colon = rawAuthority.LastIndexOf(':');
        return colon < 0 ? rawAuthority : rawAuthority[..colon];
    }
}

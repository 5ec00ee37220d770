using System.Net;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Tests.Partners;

public sealed class WebhookTargetValidatorTests
{
    private static readonly WebhookTargetValidator Strict = Create(allowPrivateTargets: false);
    private static readonly WebhookTargetValidator Local = Create(allowPrivateTargets: true);

    public static TheoryData<string> RefusedUrls => new()
    {
        // scheme and shape
        "http://example.com/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "gopher://example.com/",
        "ws://example.com/",
        "javascript:alert(1)",
        "/relative/hook",
        "example.com/hook",
        "",
        "   ",
        "https://exa mple.com/",
        "https://example.com/\r\nX-Injected: 1",
        "https://" + new string('a', 2100) + ".com/",
        // user information
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "https://@example.com/",
        "https://example.com@127.0.0.1/",
        "https://example.com:443@evil.com/",
        // loopback names
        "https://localhost/",
        "https://LOCALHOST:8443/",
        "https://localhost./",
        "https://api.localhost/",
        // internal names
        "https://intranet/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://printer.local/",
        "https://router.home.arpa/",
        "https://1.0.0.127.in-addr.arpa/",
        "https://partner.test/",
        // ports
        "https://example.com:22/",
        "https://example.com:25/",
        // IPv4 loopback, private, link-local, CGNAT
        "https://127.0.0.1/",
        "https://127.0.0.2:8443/",
        "https://127.255.255.254/",
        "https://10.0.0.1/",
        "https://10.255.255.255/",
        "https://172.16.0.1/",
        "https://172.31.255.255/",
        "https://192.168.0.1/",
        "https://192.168.1.100:8443/",
        "https://169.254.169.254/latest/meta-data/",
        "https://169.254.0.1/",
        "https://100.64.0.1/",
        "https://100.127.255.255/",
        // IPv4 multicast, unspecified, broadcast, reserved, documentation, benchmarking
        "https://224.0.0.1/",
        "https://239.255.255.250/",
        "https://0.0.0.0/",
        "https://0.1.2.3/",
        "https://255.255.255.255/",
        "https://240.0.0.1/",
        "https://198.18.0.1/",
        "https://198.19.255.1/",
        "https://192.0.0.8/",
        "https://192.0.2.1/",
        "https://198.51.100.7/",
        "https://203.0.113.9/",
        "https://192.88.99.1/",
        // IPv6
        "https://[::1]/",
        "https://[::]/",
        "https://[0:0:0:0:0:0:0:1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://[::ffff:192.168.0.1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[::ffff:0:0]/",
        "https://[::127.0.0.1]/",
        "https://[64:ff9b::7f00:1]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[64:ff9b:1::1]/",
        "https://[fc00::1]/",
        "https://[fd12:3456:789a::1]/",
        "https://[fe80::1]/",
        "https://[fe80::1%25eth0]/",
        "https://[ff02::1]/",
        "https://[ff05::1:3]/",
        "https://[2001:db8::1]/",
        "https://[3fff::1]/",
        "https://[fec0::1]/",
        "https://[100::1]/",
        "https://[2002:7f00:1::1]/",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        // other spellings of IPv4 addresses
        "https://2130706433/",
        "https://0x7f000001/",
        "https://0177.0.0.1/",
        "https://0177.1/",
        "https://127.1/",
        "https://127.0.1/",
        "https://0x7f.1/",
        "https://0x7f.0x0.0x0.0x1/",
        "https://017700000001/",
        "https://3232235777/",
        "https://0xa9fea9fe/",
        "https://0xA9.0xFE.0xA9.0xFE/",
        "https://127.0.0.1./",
        "https://134744072/",
        "https://1.2.3/",
        "https://www.0x7f/",
    };

    public static TheoryData<string> AcceptedUrls => new()
    {
        "https://example.com/hook",
        "https://partner.example.com/webhooks/mellanrum",
        "https://api.nacka.se/v1/events?source=hub",
        "https://EXAMPLE.com/Hook",
        "https://example.com./hook",
        "https://example.com:8443/hook",
        "https://example.com:443/hook",
        "https://xn--mlar-loa.se/hook",
        "https://bücher.example.com/hook",
        "https://8.8.8.8/hook",
        "https://1.1.1.1/",
        "https://93.184.216.34:443/",
        "https://172.32.0.1/",
        "https://100.128.0.1/",
        "https://192.169.0.1/",
        "https://11.0.0.1/",
        "https://[2606:4700:4700::1111]/",
        "https://[2001:4860:4860::8888]/hook",
        "https://[::ffff:8.8.8.8]/",
        "https://[64:ff9b::808:808]/",
    };

    [Fact]
    public void RefusedUrls_Table_HasAtLeastSixtyTargets()
    {
        Assert.True(RefusedUrls.Count >= 60, $"only {RefusedUrls.Count} refused targets");
    }

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public void CheckUrl_UnsafeTarget_IsRefusedWithReason(string url)
    {
        var decision = Strict.CheckUrl(url);

        Assert.False(decision.IsAllowed, $"{url} was allowed");
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Theory]
    [MemberData(nameof(AcceptedUrls))]
    public void CheckUrl_PublicHttpsTarget_IsAllowed(string url)
    {
        var decision = Strict.CheckUrl(url);

        Assert.True(decision.IsAllowed, decision.Reason);
        Assert.Null(decision.Reason);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:7071/api/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("http://receiver/hook")]
    [InlineData("http://partner.example.com:8080/hook")]
    public void CheckUrl_InternalTargetWithPrivateTargetsAllowed_IsAllowed(string url)
    {
        Assert.True(Local.CheckUrl(url).IsAllowed);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://0.0.0.0:5000/")]
    [InlineData("http://255.255.255.255/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://user:pass@localhost/")]
    [InlineData("ftp://localhost/")]
    public void CheckUrl_NeverAllowedTargetWithPrivateTargetsAllowed_IsRefused(string url)
    {
        Assert.False(Local.CheckUrl(url).IsAllowed);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.20.30.40")]
    [InlineData("172.20.0.5")]
    [InlineData("192.168.100.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.100.100.200")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::a9fe:a9fe")]
    [InlineData("64:ff9b::10.0.0.1")]
    public void CheckAddress_ResolvedInternalAddress_IsRefused(string address)
    {
        var decision = Strict.CheckAddress(IPAddress.Parse(address));

        Assert.False(decision.IsAllowed);
        Assert.Contains(address == "::" ? "unspecified" : "address", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("20.50.2.1")]
    [InlineData("2a00:1450:400f:80c::200e")]
    public void CheckAddress_ResolvedPublicAddress_IsAllowed(string address)
    {
        Assert.True(Strict.CheckAddress(IPAddress.Parse(address)).IsAllowed);
    }

    [Fact]
    public void CheckAddress_MetadataAddress_ReasonNamesLinkLocal()
    {
        var decision = Strict.CheckAddress(IPAddress.Parse("169.254.169.254"));

        Assert.Equal("169.254.169.254 is a link-local address (cloud metadata lives here)", decision.Reason);
    }

    private static WebhookTargetValidator Create(bool allowPrivateTargets) =>
        new(Options.Create(new WebhookTargetOptions { AllowPrivateTargets = allowPrivateTargets }));
}

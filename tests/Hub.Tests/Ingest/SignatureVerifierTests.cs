using System.Text;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Sources;
using StandardWebhooks;

namespace Mellanrum.Hub.Tests.Ingest;

public sealed class SignatureVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 19, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"collaboration":"e-arkiv-sodertorn","title":"Beslut"}""");
    private static readonly string Secret = Credentials.NewWebhookSecret();

    private static string LibrarySignature(string secret, string id, DateTimeOffset at) =>
        new StandardWebhook(secret).Sign(id, at, Encoding.UTF8.GetString(Body));

    private static SignatureFailure Verify(string? id, string? timestamp, string? signature, params string[] secrets) =>
        SignatureVerifier.Verify(id, timestamp, signature, Body, secrets.Select(Credentials.SecretBytes), Now, Tolerance);

    [Fact]
    public void Verify_SignatureMadeByStandardWebhooksLibrary_Accepts()
    {
        var signature = LibrarySignature(Secret, "msg_1", Now);
        Assert.Equal(SignatureFailure.None, Verify("msg_1", Now.ToUnixTimeSeconds().ToString(), signature, Secret));
    }

    [Fact]
    public void Sign_SameInputs_EqualsStandardWebhooksLibrary()
    {
        var ours = SignatureVerifier.Sign("msg_1", Now.ToUnixTimeSeconds(), Body, Credentials.SecretBytes(Secret));
        Assert.Equal(LibrarySignature(Secret, "msg_1", Now), ours);
    }

    [Fact]
    public void Verify_WrongSecret_Refuses()
    {
        var signature = LibrarySignature(Credentials.NewWebhookSecret(), "msg_1", Now);
        Assert.Equal(SignatureFailure.NoMatch, Verify("msg_1", Now.ToUnixTimeSeconds().ToString(), signature, Secret));
    }

    [Fact]
    public void Verify_BodyChangedAfterSigning_Refuses()
    {
        var signature = LibrarySignature(Secret, "msg_1", Now);
        var tampered = Encoding.UTF8.GetBytes("""{"collaboration":"e-arkiv-sodertorn","title":"Beslut!"}""");
        var result = SignatureVerifier.Verify("msg_1", Now.ToUnixTimeSeconds().ToString(), signature, tampered, [Credentials.SecretBytes(Secret)], Now, Tolerance);
        Assert.Equal(SignatureFailure.NoMatch, result);
    }

    [Fact]
    public void Verify_IdChangedAfterSigning_Refuses()
    {
        var signature = LibrarySignature(Secret, "msg_1", Now);
        Assert.Equal(SignatureFailure.NoMatch, Verify("msg_2", Now.ToUnixTimeSeconds().ToString(), signature, Secret));
    }

    [Theory]
    [InlineData(-301, SignatureFailure.TooOld)]
    [InlineData(-299, SignatureFailure.None)]
    [InlineData(299, SignatureFailure.None)]
    [InlineData(301, SignatureFailure.TooNew)]
    public void Verify_TimestampOffsetFromNow_RespectsFiveMinuteWindow(int offsetSeconds, SignatureFailure expected)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var signature = LibrarySignature(Secret, "msg_1", at);
        Assert.Equal(expected, Verify("msg_1", at.ToUnixTimeSeconds().ToString(), signature, Secret));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void Verify_UnreadableTimestamp_Refuses(string timestamp) =>
        Assert.Equal(SignatureFailure.BadTimestamp, Verify("msg_1", timestamp, "v1,AAAA", Secret));

    [Theory]
    [InlineData(null, "1", "v1,x")]
    [InlineData("id", null, "v1,x")]
    [InlineData("id", "1", null)]
    public void Verify_MissingHeader_Refuses(string? id, string? timestamp, string? signature) =>
        Assert.Equal(SignatureFailure.MissingHeaders, Verify(id, timestamp, signature, Secret));

    [Fact]
    public void Verify_ListOfSignaturesDuringRotation_AcceptsWhenAnyMatches()
    {
        var newSecret = Credentials.NewWebhookSecret();
        var header = LibrarySignature(Credentials.NewWebhookSecret(), "msg_1", Now) + " v2,ignored " + LibrarySignature(newSecret, "msg_1", Now);
        Assert.Equal(SignatureFailure.None, Verify("msg_1", Now.ToUnixTimeSeconds().ToString(), header, newSecret));
    }

    [Fact]
    public void Verify_SignedWithRotatedOutSecretStillValid_Accepts()
    {
        var oldSecret = Credentials.NewWebhookSecret();
        var newSecret = Credentials.NewWebhookSecret();
        var signature = LibrarySignature(oldSecret, "msg_1", Now);
        Assert.Equal(SignatureFailure.None, Verify("msg_1", Now.ToUnixTimeSeconds().ToString(), signature, newSecret, oldSecret));
    }

    [Fact]
    public void ValidSecrets_RotatedSecretPastItsGrace_IsNoLongerOffered()
    {
        var source = new Source("s", "0182", "S", "canonical", null, false,
            [new StoredCredential("sec_new", "new", Now), new StoredCredential("sec_old", "old", Now.AddHours(-1), Now.AddHours(24))], []);
        Assert.Equal(["new", "old"], source.ValidSecrets(Now.AddHours(23)).Select(s => s.Stored));
        Assert.Equal(["new"], source.ValidSecrets(Now.AddHours(24)).Select(s => s.Stored));
    }
}

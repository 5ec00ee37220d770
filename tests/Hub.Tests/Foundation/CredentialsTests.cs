using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

public sealed class CredentialsTests
{
    [Fact]
    public void NewWebhookSecret_Always_IsWhsecWith32Bytes()
    {
        var secret = Credentials.NewWebhookSecret();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Credentials.SecretBytes(secret).Length);
    }

    [Fact]
    public void KeyMatches_TheIssuedKey_AgainstItsStoredHash_IsTrue()
    {
        var key = Credentials.NewKey();
        var hash = Credentials.HashKey(key);
        Assert.True(Credentials.KeyMatches(key, hash));
        Assert.DoesNotContain(key, hash);
    }

    [Fact]
    public void KeyMatches_AnotherKey_IsFalse() =>
        Assert.False(Credentials.KeyMatches(Credentials.NewKey(), Credentials.HashKey(Credentials.NewKey())));
}

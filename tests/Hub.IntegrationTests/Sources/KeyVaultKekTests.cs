using System.Net;
using System.Xml.Linq;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Sources;

/// <summary>
/// The Key Vault KEK with the real <see cref="Azure.Security.KeyVault.Secrets.SecretClient"/> over HTTPS against
/// <see cref="FakeKeyVault"/>: the bearer challenge, the current version at start, older versions by id, rotation by a
/// new version (as each deployment adds one), and the refusals an operator can meet.
/// </summary>
public sealed class KeyVaultKekTests
{
    private const string SecretName = KeyRingOptions.DefaultKekSecretName;

    [Fact]
    public async Task Load_FirstRequestGetsTheBearerChallenge_ThenReadsTheCurrentVersionWithAToken()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());
        var current = vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());
        var keks = new KeyRingKeyVault(vault.CreateClient(), SecretName, NullLogger<KeyRingKeyVault>.Instance);

        await keks.LoadAsync(CancellationToken.None);

        Assert.Equal(current, keks.Current().Version);
        var requests = vault.Requests.ToArray();
        Assert.Equal(new VaultRequest("GET", $"/secrets/{SecretName}", requests[0].ApiVersion, false, 401), requests[0]);
        Assert.Equal(new VaultRequest("GET", $"/secrets/{SecretName}", requests[0].ApiVersion, true, 200), requests[1]);
        Assert.False(string.IsNullOrEmpty(requests[0].ApiVersion));
        var asked = Assert.Single(vault.Credential.Requested);
        Assert.Equal([FakeKeyVault.Resource + "/.default"], asked.Scopes);
        Assert.Equal(FakeKeyVault.Tenant, asked.TenantId);
    }

    [Fact]
    public async Task NewVersion_EncryptsNewKeys_AndOlderElementsDecryptWithTheVersionTheyName()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var first = vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());
        var masterKey = new XElement("masterKey", new XElement("value", "dGhlIGtleQ=="));
        var before = await KeksAsync(vault);
        var written = new KeyRingXmlEncryptor(before).Encrypt(masterKey).EncryptedElement;
        Assert.Equal(first, (string?)written.Attribute("kekVersion"));

        // A deployment adds a version; the hub restarts.
        var second = vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());
        var after = await KeksAsync(vault);
        var newer = new KeyRingXmlEncryptor(after).Encrypt(masterKey).EncryptedElement;
        var reopened = new KeyRingXmlDecryptor(Services(after)).Decrypt(written);

        Assert.Equal(second, (string?)newer.Attribute("kekVersion"));
        Assert.Equal(masterKey.ToString(), reopened.ToString());
        Assert.Equal(masterKey.ToString(), new KeyRingXmlDecryptor(Services(after)).Decrypt(newer).ToString());
        Assert.Contains(vault.Requests, r => r.Path == $"/secrets/{SecretName}/{first}" && r.Status == 200);
        var versions = new List<string>();
        await foreach (var version in vault.CreateClient().GetPropertiesOfSecretVersionsAsync(SecretName))
        {
            versions.Add(version.Version);
        }

        Assert.Equal(new[] { first, second }.Order(), versions.Order());
    }

    [Fact]
    public async Task ElementNamingADeletedVersion_FailsNamingThatVersion()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.AddVersion(SecretName, "the current value of the kek secret, long enough");
        var keks = await KeksAsync(vault);
        var element = new KeyRingXmlEncryptor(keks).Encrypt(new XElement("masterKey")).EncryptedElement;
        element.SetAttributeValue("kekVersion", "0123456789abcdef0123456789abcdef");

        var refused = Assert.Throws<KeyRingException>(() => new KeyRingXmlDecryptor(Services(keks)).Decrypt(element));

        Assert.Contains("KEK keyvault 0123456789abcdef0123456789abcdef", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSecret_FailsAtLoadNamingTheSecret()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var keks = new KeyRingKeyVault(vault.CreateClient(), "no-such-kek", NullLogger<KeyRingKeyVault>.Instance);

        var refused = await Assert.ThrowsAsync<KeyRingException>(() => keks.LoadAsync(CancellationToken.None));

        Assert.Contains("has no secret no-such-kek", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:DataProtection:KekSecretName", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretTheIdentityMayNotRead_FailsAtLoadNamingTheRole()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.AddVersion(SecretName, "a value nobody may read here");
        vault.Forbidden.Add(SecretName);
        var keks = new KeyRingKeyVault(vault.CreateClient(), SecretName, NullLogger<KeyRingKeyVault>.Instance);

        var refused = await Assert.ThrowsAsync<KeyRingException>(() => keks.LoadAsync(CancellationToken.None));

        Assert.Contains("Key Vault Secrets User", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a value nobody may read here", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubLocal_KekInKeyVault_SecretsStillVerifyAfterANewVersionAndRestart()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        await using var storage = await RestartableHub.StartStorageAsync();
        var first = vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());
        var settings = new Dictionary<string, string?> { ["Hub:DataProtection:KeyVaultUri"] = vault.VaultUri.ToString() };
        // The real client, as Microsoft.Extensions.Azure would build it, but trusting the fake vault's certificate.
        void WithVault(Microsoft.AspNetCore.Builder.WebApplicationBuilder b) => b.Services.AddSingleton(vault.CreateClient());

        RegisteredSource before;
        await using (var hub = await (await storage.BuildAsync(settings, WithVault)).StartAsync())
        {
            before = await hub.RegisterSourceAsync("nacka-valv-1");
            using var accepted = await hub.PostSignedAsync(before, "KV-1");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.Equal([first], (await storage.StoredKeysAsync()).Select(KekVersion));
        var second = vault.AddVersion(SecretName, Guid.NewGuid().ToString() + Guid.NewGuid());

        await using (var hub = await (await storage.BuildAsync(settings, WithVault)).StartAsync())
        {
            using var old = await hub.PostSignedAsync(before, "KV-2");
            Assert.Equal(HttpStatusCode.Accepted, old.StatusCode);
            var now = TimeProvider.System.GetUtcNow();
            hub.App.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
            var after = await hub.RegisterSourceAsync("nacka-valv-2");
            using var accepted = await hub.PostSignedAsync(after, "KV-3");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.Equal(new[] { first, second }.Order(), (await storage.StoredKeysAsync()).Select(KekVersion).Order());
        Assert.Contains(vault.Requests, r => r.Path == $"/secrets/{SecretName}/{first}" && r.Status == 200);
    }

    private static async Task<KeyRingKeks> KeksAsync(FakeKeyVault vault)
    {
        var keks = new KeyRingKeks([new KeyRingKeyVault(vault.CreateClient(), SecretName, NullLogger<KeyRingKeyVault>.Instance)]);
        await keks.LoadAsync(CancellationToken.None);
        return keks;
    }

    private static ServiceProvider Services(KeyRingKeks keks) => new ServiceCollection().AddSingleton(keks).BuildServiceProvider();

    private static string? KekVersion(XElement key) =>
        (string?)key.Descendants(XNamespace.Get("urn:mellanrum:hub:keyring:v1") + "encryptedKey").Single().Attribute("kekVersion");
}

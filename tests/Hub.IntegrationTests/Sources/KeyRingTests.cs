using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Sources;

/// <summary>
/// The Data Protection key ring that protects every <c>whsec_</c> secret, through Hub.Local on Azurite with its real
/// storage and restarts: encrypted with the key file's KEK, readable when written before encryption, refused when
/// the KEK is wrong.
/// </summary>
public sealed class KeyRingTests
{
    private static readonly XName MasterKey = "masterKey";
    private static readonly XName EncryptedSecret = XNamespace.Get("http://schemas.asp.net/2015/03/dataProtection") + "encryptedSecret";

    [Fact]
    public async Task RingWrittenUnencrypted_ThenEncryptionOn_OldSecretVerifies_NewKeysAreEncrypted_AndAllReadsAfterRestart()
    {
        await using var storage = await RestartableHub.StartStorageAsync();

        // The hub as it was before this change: Data Protection without an XML encryptor.
        RegisteredSource before;
        await using (var old = await (await storage.BuildAsync(configure: b =>
            b.Services.PostConfigure<KeyManagementOptions>(o => o.XmlEncryptor = null))).StartAsync())
        {
            before = await old.RegisterSourceAsync("nacka-fore-bytet");
            using var accepted = await old.PostSignedAsync(before, "KR-1");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var plain = Assert.Single(await storage.StoredKeysAsync());
        Assert.NotNull(plain.Descendants(MasterKey).Single().Element("value"));
        File.Delete(storage.KeyFile); // as on a machine that never had one: made on first use

        // Encryption on: the old ring still reads, and a new key is written encrypted.
        RegisteredSource after;
        await using (var hub = await (await storage.BuildAsync()).StartAsync())
        {
            using var old = await hub.PostSignedAsync(before, "KR-2");
            Assert.Equal(HttpStatusCode.Accepted, old.StatusCode);

            // What Data Protection does itself before the default key expires (every 90 days).
            var now = TimeProvider.System.GetUtcNow();
            hub.App.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
            after = await hub.RegisterSourceAsync("nacka-efter-bytet");
            using var accepted = await hub.PostSignedAsync(after, "KR-3");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage.KeyFile));
        }

        var key = Convert.FromBase64String(File.ReadAllText(storage.KeyFile).Trim());
        Assert.Equal(32, key.Length);
        var keys = await storage.StoredKeysAsync();
        Assert.Equal(2, keys.Count);
        var encrypted = Assert.Single(keys, k => !k.Descendants(MasterKey).Any());
        var secret = Assert.Single(encrypted.Descendants(EncryptedSecret));
        Assert.StartsWith(typeof(KeyRingXmlDecryptor).FullName + ",", (string?)secret.Attribute("decryptorType"), StringComparison.Ordinal);
        var wrapped = Assert.Single(secret.Elements());
        Assert.Equal("AES-256-GCM", (string?)wrapped.Attribute("algorithm"));
        Assert.Equal("file", (string?)wrapped.Attribute("kekSource"));
        Assert.Equal(KeyRingKeyFile.Fingerprint(key), (string?)wrapped.Attribute("kekVersion"));
        Assert.Empty(encrypted.Descendants("value"));

        // Another restart: both secrets, under the plain key and under the encrypted one, still verify.
        await using (var again = await (await storage.BuildAsync()).StartAsync())
        {
            using var first = await again.PostSignedAsync(before, "KR-4");
            using var second = await again.PostSignedAsync(after, "KR-5");
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        }

        Assert.Equal(2, (await storage.StoredKeysAsync()).Count);
    }

    [Fact]
    public async Task WrongKek_TheHubDoesNotStart_SaysWhich_AndWritesNoNewKey()
    {
        await using var storage = await RestartableHub.StartStorageAsync();
        await using (var hub = await (await storage.BuildAsync()).StartAsync())
        {
            var source = await hub.RegisterSourceAsync("nacka-ratt-nyckel");
            using var accepted = await hub.PostSignedAsync(source, "KW-1");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var right = KeyRingKeyFile.Fingerprint(Convert.FromBase64String(File.ReadAllText(storage.KeyFile).Trim()));
        var other = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(storage.KeyFile, Convert.ToBase64String(other));
        var before = await storage.StoredKeysAsync();

        await using var wrong = await storage.BuildAsync();
        var refused = await Assert.ThrowsAsync<KeyRingException>(wrong.StartAsync);

        Assert.Contains($"KEK file {right}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"holds KEK file {KeyRingKeyFile.Fingerprint(other)}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(other), refused.Message, StringComparison.Ordinal);
        var after = await storage.StoredKeysAsync();
        Assert.Equal(before.Select(k => k.ToString()), after.Select(k => k.ToString()));
    }
}

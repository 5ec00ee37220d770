using System.Security.Cryptography;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Tests.Sources;

/// <summary>Data Protection itself over the encrypted key ring (in memory): what survives a restart, and what must not.</summary>
public sealed class KeyRingDataProtectionTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void SecretProtectedBeforeARestart_Unprotects_WithTheSameKek()
    {
        var ring = new MemoryXmlRepository();
        string stored;
        using (var hub = Hub(ring, FixedKek.Keks(7)))
        {
            stored = Protector(hub).Protect(Secret);
        }

        using var restarted = Hub(ring, FixedKek.Keks(7));

        Assert.Equal(Secret, Protector(restarted).Unprotect(stored));
        Assert.DoesNotContain("<value>", Assert.Single(ring.Stored.Values), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongKek_ProtectAndUnprotectThrow_AndNoNewKeyIsWritten()
    {
        var ring = new MemoryXmlRepository();
        string stored;
        using (var hub = Hub(ring, FixedKek.Keks(7)))
        {
            stored = Protector(hub).Protect(Secret);
        }

        var before = ring.Stored.ToDictionary();
        using var wrong = Hub(ring, FixedKek.Keks(8));

        var unprotect = Assert.ThrowsAny<CryptographicException>(() => Protector(wrong).Unprotect(stored));
        var protect = Assert.ThrowsAny<CryptographicException>(() => Protector(wrong).Protect(Secret));

        Assert.Contains("does not open with KEK keyvault v1", Messages(unprotect), StringComparison.Ordinal);
        Assert.Contains("does not open with KEK keyvault v1", Messages(protect), StringComparison.Ordinal);
        Assert.Equal(before, ring.Stored);
    }

    [Fact]
    public void RingWrittenUnencrypted_IsRead_AndTheNextKeyIsWrittenEncrypted()
    {
        var ring = new MemoryXmlRepository();
        string stored;
        using (var old = Hub(ring, new KeyRingKeks([])))
        {
            stored = Protector(old).Protect(Secret);
        }

        Assert.Contains("<value>", Assert.Single(ring.Stored.Values), StringComparison.Ordinal);
        using var hub = Hub(ring, FixedKek.Keks(7));
        Assert.Equal(Secret, Protector(hub).Unprotect(stored));

        var now = TimeProvider.System.GetUtcNow();
        var added = hub.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        var newer = ring.Stored.Single(e => e.Key == $"key-{added.KeyId:D}").Value;
        Assert.DoesNotContain("<value>", newer, StringComparison.Ordinal);
        Assert.Contains("KeyRingXmlDecryptor", newer, StringComparison.Ordinal);
        Assert.Equal(Secret, Protector(hub).Unprotect(Protector(hub).Protect(Secret)));
    }

    /// <summary>Data Protection wired as <see cref="SourcesServiceCollectionExtensions.AddSources"/> wires it, over a ring in memory.</summary>
    private static ServiceProvider Hub(MemoryXmlRepository ring, KeyRingKeks keks)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(keks);
        services.AddDataProtection().SetApplicationName("mellanrum-hub");
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new KeyRingRepository(ring, keks);
            o.XmlEncryptor = keks.IsConfigured ? new KeyRingXmlEncryptor(keks) : null;
        });
        return services.BuildServiceProvider();
    }

    private static SecretProtector Protector(IServiceProvider hub) => new(hub.GetRequiredService<IDataProtectionProvider>());

    private static string Messages(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Messages(e.InnerException);
}

using Azure;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Tests.Sources;

public sealed class KeyRingCheckAtStartTests
{
    [Fact]
    public async Task NoKek_StartsWithOneWarningThatSaysWhatToSet()
    {
        var logger = new ListLogger<KeyRingCheckAtStart>();
        var check = new KeyRingCheckAtStart(new KeyRingKeks([]), Options(new MemoryXmlRepository(), new KeyRingKeks([])), logger);

        await check.StartAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Contains("unencrypted", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:DataProtection:KeyVaultUri", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:DataProtection:KeyFile", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RingWrittenWithAnotherKek_StopsTheStart()
    {
        var ring = new MemoryXmlRepository();
        ring.StoreElement(EncryptedKey(FixedKek.Keks(7)), "key-1");
        var keks = FixedKek.Keks(8);
        var logger = new ListLogger<KeyRingCheckAtStart>();

        await Assert.ThrowsAsync<KeyRingException>(() => new KeyRingCheckAtStart(keks, Options(ring, keks), logger).StartAsync(CancellationToken.None));

        var critical = Assert.Single(logger.Lines, l => l.Level == LogLevel.Critical);
        Assert.Contains("does not start", critical.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageNotReachable_StartsAnyway_WithAWarning()
    {
        var ring = new MemoryXmlRepository { Failure = new RequestFailedException(503, "Service Unavailable") };
        var keks = FixedKek.Keks(7);
        var logger = new ListLogger<KeyRingCheckAtStart>();

        await new KeyRingCheckAtStart(keks, Options(ring, keks), logger).StartAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("RequestFailedException", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RingReadable_LogsHowManyKeysAndTheKekByName()
    {
        var keks = FixedKek.Keks(7);
        var ring = new MemoryXmlRepository();
        ring.StoreElement(EncryptedKey(keks), "key-1");
        var logger = new ListLogger<KeyRingCheckAtStart>();

        await new KeyRingCheckAtStart(keks, Options(ring, keks), logger).StartAsync(CancellationToken.None);

        var line = Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("Key ring read at start: 1 key(s), 1 of them encrypted; new keys are encrypted with KEK keyvault v1", line.Message);
    }

    private static System.Xml.Linq.XElement EncryptedKey(KeyRingKeks keks)
    {
        var info = new Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlInfo(
            new KeyRingXmlEncryptor(keks).Encrypt(new System.Xml.Linq.XElement("masterKey")).EncryptedElement, typeof(KeyRingXmlDecryptor));
        return new System.Xml.Linq.XElement(
            "key",
            new System.Xml.Linq.XElement(
                KeyRingRepository.EncryptedSecret,
                new System.Xml.Linq.XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!),
                info.EncryptedElement));
    }

    private static IOptions<KeyManagementOptions> Options(MemoryXmlRepository ring, KeyRingKeks keks) =>
        Microsoft.Extensions.Options.Options.Create(new KeyManagementOptions { XmlRepository = new KeyRingRepository(ring, keks) });
}

using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// The KEK sources of this hub: the first encrypts, any of them decrypts what names it (so a hub moved from a key file
/// to Key Vault, with both configured, still reads what the file encrypted). Empty: the key ring is stored unencrypted.
/// </summary>
public sealed class KeyRingKeks(IReadOnlyList<IKeyEncryptionKeySource> sources)
{
    public IReadOnlyList<IKeyEncryptionKeySource> Sources => sources;

    public bool IsConfigured => sources.Count > 0;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            await source.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public KeyEncryptionKey Current() =>
        IsConfigured ? sources[0].Current() : throw new InvalidOperationException("No key-encryption key is configured.");

    public KeyEncryptionKey Find(string source, string version)
    {
        var named = sources.FirstOrDefault(s => s.Name == source)
            ?? throw new KeyRingException($"A key ring element was encrypted with KEK {source} {version}, and this hub has no {source} KEK configured (Hub:DataProtection). Configure the one it was written with.");
        return named.Find(version)
            ?? throw new KeyRingException(source == KeyRingKeyFile.SourceName
                ? $"A key ring element was encrypted with KEK {source} {version}, and the configured key file holds KEK {source} {named.Current().Version}: it is another key. Restore the key file the ring was written with (Hub:DataProtection:KeyFile)."
                : $"A key ring element was encrypted with KEK {source} {version}, which the configured {source} does not have. Configure the vault and secret the ring was written with, and do not delete or purge that version.");
    }
}

/// <summary>
/// Encrypts the secret part of each new Data Protection key (its <c>&lt;masterKey&gt;</c>) with AES-256-GCM under the
/// current KEK. The element names the KEK (source and version), a fresh 96-bit nonce and the tag; the KEK's names are
/// bound as associated data, so an element cannot be pointed at another KEK. Data Protection wraps it in
/// <c>&lt;encryptedSecret decryptorType="…KeyRingXmlDecryptor"&gt;</c>.
/// </summary>
public sealed class KeyRingXmlEncryptor(KeyRingKeks keks) : IXmlEncryptor
{
    public static readonly XNamespace Namespace = "urn:mellanrum:hub:keyring:v1";
    public static readonly XName Element = Namespace + "encryptedKey";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var kek = keks.Current();
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var ciphertext = new byte[plaintext.Length];
        try
        {
            using var aes = new AesGcm(kek.Key, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(kek.Source, kek.Version));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(
            Element,
            new XAttribute("algorithm", "AES-256-GCM"),
            new XAttribute("kekSource", kek.Source),
            new XAttribute("kekVersion", kek.Version),
            new XComment(" The key below is encrypted with the key-encryption key named above, which is not in this storage. "),
            new XElement(Namespace + "nonce", Convert.ToBase64String(nonce)),
            new XElement(Namespace + "tag", Convert.ToBase64String(tag)),
            new XElement(Namespace + "ciphertext", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }

    internal static byte[] AssociatedData(string source, string version) =>
        Encoding.UTF8.GetBytes($"mellanrum-hub keyring v1\n{source}\n{version}");

    internal static XElement Decrypt(XElement encryptedElement, KeyRingKeks keks)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != Element)
        {
            throw new KeyRingException($"A key ring element is {encryptedElement.Name.LocalName}, not an {Element.LocalName} of this hub.");
        }

        var source = (string?)encryptedElement.Attribute("kekSource") ?? string.Empty;
        var version = (string?)encryptedElement.Attribute("kekVersion") ?? string.Empty;
        var kek = keks.Find(source, version);
        byte[] nonce, tag, ciphertext;
        try
        {
            nonce = Convert.FromBase64String((string?)encryptedElement.Element(Namespace + "nonce") ?? string.Empty);
            tag = Convert.FromBase64String((string?)encryptedElement.Element(Namespace + "tag") ?? string.Empty);
            ciphertext = Convert.FromBase64String((string?)encryptedElement.Element(Namespace + "ciphertext") ?? string.Empty);
        }
        catch (FormatException e)
        {
            throw new KeyRingException($"A key ring element encrypted with KEK {kek} is damaged (not base64).", e);
        }

        if (nonce.Length != NonceSize || tag.Length != TagSize)
        {
            throw new KeyRingException($"A key ring element encrypted with KEK {kek} is damaged (nonce or tag of the wrong size).");
        }

        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(kek.Key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(source, version));
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KeyRingException(
                $"A key ring element does not open with KEK {kek}: the key under that name is not the one it was encrypted with, or the element was altered. The hub does not go on, so that it never writes a new key ring beside one it cannot read.",
                e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Decrypts what <see cref="KeyRingXmlEncryptor"/> wrote. Data Protection creates it by type name from the stored
/// element (<c>decryptorType</c>), with the application's services.
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyRingKeks _keks = services.GetRequiredService<KeyRingKeks>();

    public XElement Decrypt(XElement encryptedElement) => KeyRingXmlEncryptor.Decrypt(encryptedElement, _keks);
}

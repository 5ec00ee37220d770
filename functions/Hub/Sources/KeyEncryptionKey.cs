using System.Security.Cryptography;
using System.Text;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// One version of the key ring's key-encryption key: 32 bytes for AES-256-GCM, named by where it comes from
/// (<see cref="Source"/>: <c>keyvault</c> or <c>file</c>) and its <see cref="Version"/> (the Key Vault secret's version,
/// or the key file's fingerprint). Neither name reveals the key; <see cref="ToString"/> prints only the names.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Size = 32;

    private readonly byte[] _key;

    public KeyEncryptionKey(string source, string version, ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"A key-encryption key is {Size} bytes.", nameof(key));
        }

        Source = source;
        Version = version;
        _key = key.ToArray();
    }

    public string Source { get; }

    public string Version { get; }

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>A KEK from a Key Vault secret's value: SHA-256 of its UTF-8 text.</summary>
    public static KeyEncryptionKey FromSecretValue(string source, string version, string value) =>
        new(source, version, SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public override string ToString() => $"{Source} {Version}";
}

/// <summary>Where the KEK's versions come from: the current one encrypts, any named one decrypts.</summary>
public interface IKeyEncryptionKeySource
{
    /// <summary><c>keyvault</c> or <c>file</c>: the name the encrypted element gives for where its KEK is.</summary>
    string Name { get; }

    /// <summary>Reads the current version (at start, so a missing or unreadable KEK shows before anything needs it).</summary>
    Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>The version new key ring elements are encrypted with.</summary>
    KeyEncryptionKey Current();

    /// <summary>The named version, or null when this source has no such version.</summary>
    KeyEncryptionKey? Find(string version);
}

/// <summary>
/// The key ring cannot be read or written with the configured KEK: the KEK is missing, wrong, or not readable by the
/// app. Its message names the KEK (source and version, never a key) and what to check.
/// </summary>
public sealed class KeyRingException(string message, Exception? innerException = null) : CryptographicException(message, innerException);

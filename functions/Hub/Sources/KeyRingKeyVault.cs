using System.Collections.Concurrent;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// The KEK in Azure: a Key Vault secret, read with the app's managed identity. Every version of the secret is a version
/// of the KEK (its key is SHA-256 of that version's value): new elements are encrypted with the current version, read at
/// start; an element names the version it was encrypted with, and older versions are fetched by id when first needed,
/// so adding a version (each deployment does) rotates the KEK without losing what older versions encrypted. Disabling or
/// deleting a version that still encrypts a key makes that key unreadable: leave them.
/// </summary>
public sealed partial class KeyRingKeyVault(SecretClient client, string secretName, ILogger<KeyRingKeyVault> logger) : IKeyEncryptionKeySource
{
    public const string SourceName = "keyvault";

    private readonly ConcurrentDictionary<string, KeyEncryptionKey> _versions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private KeyEncryptionKey? _current;

    public string Name => SourceName;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is not null)
        {
            return;
        }

        var secret = await Read(() => client.GetSecretAsync(secretName, version: null, cancellationToken), null).ConfigureAwait(false);
        Remember(secret, current: true);
    }

    public KeyEncryptionKey Current()
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            return current;
        }

        lock (_gate)
        {
            return _current ?? Remember(Read(() => client.GetSecret(secretName, version: null), null), current: true);
        }
    }

    public KeyEncryptionKey? Find(string version)
    {
        if (_versions.TryGetValue(version, out var known))
        {
            return known;
        }

        try
        {
            return Remember(Read(() => client.GetSecret(secretName, version), version), current: false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private KeyEncryptionKey Remember(KeyVaultSecret secret, bool current)
    {
        var version = secret.Properties.Version;
        var kek = _versions.GetOrAdd(version, _ => KeyEncryptionKey.FromSecretValue(SourceName, version, secret.Value));
        if (current)
        {
            Volatile.Write(ref _current, kek);
            LogCurrent(logger, secretName, client.VaultUri, version);
        }

        return kek;
    }

    private T Read<T>(Func<Response<T>> read, string? version)
    {
        try
        {
            return read().Value;
        }
        catch (RequestFailedException e) when (version is null || e.Status != 404)
        {
            throw Explain(e, version);
        }
    }

    private async Task<T> Read<T>(Func<Task<Response<T>>> read, string? version)
    {
        try
        {
            return (await read().ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (version is null || e.Status != 404)
        {
            throw Explain(e, version);
        }
    }

    /// <summary>What a refusal means for the operator; other failures (network, 5xx) pass as they are, to be retried.</summary>
    private Exception Explain(RequestFailedException e, string? version)
    {
        var which = version is null ? $"secret {secretName}" : $"version {version} of secret {secretName}";
        return e.Status switch
        {
            404 => new KeyRingException($"Key Vault {client.VaultUri} has no {which}, the key ring's KEK (Hub:DataProtection:KekSecretName).", e),
            401 or 403 => new KeyRingException($"The app may not read {which} in Key Vault {client.VaultUri} ({e.Status} {e.ErrorCode}): give its identity the role Key Vault Secrets User, check Hub:DataProtection:ClientId, and that the version is enabled.", e),
            _ => e,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The key ring's KEK is secret {SecretName} in {VaultUri}, current version {Version}")]
    private static partial void LogCurrent(ILogger logger, string secretName, Uri vaultUri, string version);
}

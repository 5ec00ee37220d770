using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// Where the key-encryption key (KEK) of the Data Protection key ring comes from, bound from <c>Hub:DataProtection</c>:
/// in Azure a secret in Key Vault (<see cref="KeyVaultUri"/>, <see cref="KekSecretName"/>, read with the app's managed
/// identity, <see cref="ClientId"/> naming a user-assigned one); on one machine a key file (<see cref="KeyFile"/>, which
/// Hub.Local always sets). With neither, the ring is stored unencrypted, as before, and the hub warns once at start.
/// </summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string Section = "Hub:DataProtection";

    public const string DefaultKekSecretName = "hub-keyring-kek";

    /// <summary>The vault, e.g. <c>https://kv-hub-xyz.vault.azure.net/</c>.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>The secret whose versions are the KEK's versions (SHA-256 of each version's value is that version's key).</summary>
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "Hub:DataProtection:KekSecretName is a Key Vault secret name (letters, digits, dashes).")]
    public string KekSecretName { get; set; } = DefaultKekSecretName;

    /// <summary>Client id of the user-assigned identity that reads the secret; empty: DefaultAzureCredential.</summary>
    public string? ClientId { get; set; }

    /// <summary>A file holding a 32-byte key (base64), created with fresh randomness, owner-only, on first use.</summary>
    public string? KeyFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (KeyVaultUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Hub:DataProtection:KeyVaultUri is the vault's https URI.", [nameof(KeyVaultUri)]);
        }
    }
}

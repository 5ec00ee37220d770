using System.Text.Json;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Tests.Foundation;

namespace Mellanrum.Hub.Tests.Sources;

/// <summary>The Bicep template, compiled to ARM: the KEK secret in the vault, made from fresh randomness, and the app settings that name it.</summary>
public sealed class KeyRingInfraTests
{
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void BicepTemplate_PutsTheKekSecretInTheVault_FromFreshRandomness_ReadableByTheAppIdentity()
    {
        var arm = Bicep.BuildMainTemplate();
        var vault = Module(arm, "keyvault").GetProperty("properties").GetProperty("template");

        Assert.Equal(KeyRingOptions.DefaultKekSecretName, vault.GetProperty("variables").GetProperty("keyRingKekSecretName").GetString());
        var secret = Assert.Single(vault.GetProperty("resources").EnumerateArray(), r =>
            r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/secrets"
            && r.GetProperty("name").GetString()!.Contains("variables('keyRingKekSecretName')", StringComparison.Ordinal));
        Assert.Equal("[parameters('keyRingKekValue')]", secret.GetProperty("properties").GetProperty("value").GetString());
        var value = vault.GetProperty("parameters").GetProperty("keyRingKekValue");
        Assert.Equal("securestring", value.GetProperty("type").GetString());
        Assert.Equal("[format('{0}{1}', newGuid(), newGuid())]", value.GetProperty("defaultValue").GetString());

        Assert.Equal(KeyVaultSecretsUser, vault.GetProperty("variables").GetProperty("keyVaultSecretsUser").GetString());
        var role = Assert.Single(vault.GetProperty("resources").EnumerateArray(), r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments");
        Assert.Contains("variables('keyVaultSecretsUser')", role.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        Assert.Contains("appIdentityName", role.GetProperty("properties").GetProperty("principalId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BicepTemplate_AppSettings_NameTheVaultTheSecretAndTheIdentity_AsTheOptionsReadThem()
    {
        var arm = Bicep.BuildMainTemplate();
        var app = Module(arm, "functionapp");
        var settings = app.GetProperty("properties").GetProperty("parameters").GetProperty("appSettings").GetProperty("value").GetString()!;
        var platform = app.GetProperty("properties").GetProperty("template").GetRawText();

        Assert.Contains($"'{Setting(nameof(KeyRingOptions.KeyVaultUri))}', reference(resourceId('Microsoft.Resources/deployments', 'keyvault'), '2025-04-01').outputs.uri.value", settings, StringComparison.Ordinal);
        Assert.Contains($"'{Setting(nameof(KeyRingOptions.KekSecretName))}', reference(resourceId('Microsoft.Resources/deployments', 'keyvault'), '2025-04-01').outputs.keyRingKekSecretName.value", settings, StringComparison.Ordinal);
        Assert.Contains($"'{Setting(nameof(KeyRingOptions.ClientId))}', reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))", platform, StringComparison.Ordinal);
    }

    /// <summary>An app setting's name for a <see cref="KeyRingOptions"/> property (<c>:</c> written <c>__</c>).</summary>
    private static string Setting(string property) => $"{KeyRingOptions.Section}:{property}".Replace(":", "__", StringComparison.Ordinal);

    private static JsonElement Module(JsonElement arm, string name) =>
        arm.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
}

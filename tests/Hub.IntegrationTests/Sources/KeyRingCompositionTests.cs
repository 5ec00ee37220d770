using Azure.Security.KeyVault.Secrets;
using Mellanrum.Hub.Functions;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.IntegrationTests.Sources;

/// <summary>Which KEK the Azure Functions host composes from its settings (built, not run).</summary>
public sealed class KeyRingCompositionTests
{
    [Fact]
    public void FunctionsHost_KeyVaultSettings_EncryptWithTheKekSecretThroughASecretClientForThatVault()
    {
        using var host = FunctionsHost.Build(
        [
            "--AzureWebJobsStorage=UseDevelopmentStorage=true",
            "--Hub:AdminKey=composition-test-admin-key",
            "--Hub:DataProtection:KeyVaultUri=https://kv-hub-test.vault.azure.net/",
            "--Hub:DataProtection:KekSecretName=hub-keyring-kek",
            "--Hub:DataProtection:ClientId=00000000-0000-0000-0000-000000000001",
        ]);

        Assert.Equal(new Uri("https://kv-hub-test.vault.azure.net/"), host.Services.GetRequiredService<SecretClient>().VaultUri);
        var source = Assert.Single(host.Services.GetRequiredService<KeyRingKeks>().Sources);
        Assert.Equal(KeyRingKeyVault.SourceName, source.Name);
        Assert.IsType<KeyRingXmlEncryptor>(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlEncryptor);
    }

    [Fact]
    public void FunctionsHost_NoKekSettings_KeepsTheRingUnencrypted_AndRegistersNoSecretClient()
    {
        using var host = FunctionsHost.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--Hub:AdminKey=composition-test-admin-key"]);

        Assert.False(host.Services.GetRequiredService<KeyRingKeks>().IsConfigured);
        Assert.Null(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlEncryptor);
        Assert.IsType<KeyRingRepository>(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        Assert.Null(host.Services.GetService<SecretClient>());
    }

    [Fact]
    public void FunctionsHost_KeyVaultUriOverHttp_FailsValidationAtStart()
    {
        using var host = FunctionsHost.Build(
        [
            "--AzureWebJobsStorage=UseDevelopmentStorage=true",
            "--Hub:AdminKey=composition-test-admin-key",
            "--Hub:DataProtection:KeyVaultUri=http://kv-hub-test.vault.azure.net/",
        ]);

        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<KeyRingOptions>>().Value);
        Assert.Contains("https", refused.Message, StringComparison.Ordinal);
    }
}

using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>Hub.Local's banner shows a storage connection string only when its key is Azurite's published one.</summary>
public sealed class BannerTests
{
    [Fact]
    public void AzuritesConnectionString_IsShownAsItIs()
    {
        var azurite = AzuriteProcess.ConnectionStringFor(41000, 41001, 41002);
        Assert.Equal(azurite, HubLocalHost.DevelopmentStorage(azurite));
    }

    [Fact]
    public void UseDevelopmentStorage_IsShownWithTheDefaultPortsItMeans()
    {
        var shown = HubLocalHost.DevelopmentStorage("UseDevelopmentStorage=true");
        Assert.Equal(AzuriteProcess.ConnectionStringFor(10000, 10001, 10002), shown);
        Assert.Contains("QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=sthub;AccountKey=c2VjcmV0LWtleS1vZi1hLXJlYWwtYWNjb3VudA==;EndpointSuffix=core.windows.net")]
    [InlineData("QueueEndpoint=https://sthub.queue.core.windows.net;SharedAccessSignature=sv=2024-11-04&sig=abc")]
    [InlineData("")]
    [InlineData(null)]
    public void AnotherAccountsConnectionString_IsNeverShown(string? connectionString) =>
        Assert.Null(HubLocalHost.DevelopmentStorage(connectionString));
}

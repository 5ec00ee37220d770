using System.Net;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Tests.Delivery.Webhooks;

public sealed class WebhookServiceCollectionExtensionsTests
{
    [Fact]
    public void AddHubWebhookClient_Configured_ResolvesSenderScheduleAndBoundOptions()
    {
        using var provider = Build(new() { ["Hub:Webhooks:AllowPrivateTargets"] = "true", ["Hub:Webhooks:Timeout"] = "00:00:03" });

        Assert.NotNull(provider.GetRequiredService<WebhookSender>());
        Assert.NotNull(provider.GetRequiredService<WebhookRetrySchedule>());
        var options = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.True(provider.GetRequiredService<IOptions<WebhookTargetOptions>>().Value.AllowPrivateTargets);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.True(provider.GetRequiredService<WebhookTargetValidator>().CheckUrl("http://localhost:7071/hook").IsAllowed);
    }

    [Fact]
    public void AddHubWebhookClient_NoConfiguration_DefaultsToFifteenSecondsAndPublicTargetsOnly()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(15), options.Timeout);
        Assert.False(provider.GetRequiredService<IOptions<WebhookTargetOptions>>().Value.AllowPrivateTargets);
    }

    [Fact]
    public void AddHubWebhookClient_ZeroTimeout_FailsValidation()
    {
        using var provider = Build(new() { ["Hub:Webhooks:Timeout"] = "00:00:00" });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);
    }

    [Fact]
    public void CreateClient_WebhookClient_HasNoBackstopTimeoutBelowThePipelineTimeout()
    {
        using var provider = Build([]);

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookPipelines.ClientName);

        Assert.Equal(TimeSpan.FromSeconds(20), client.Timeout);
    }

    [Fact]
    public async Task ResolvePermittedAsync_HostWithOnePrivateAnswer_IsRefused()
    {
        var validator = new WebhookTargetValidator(Options.Create(new WebhookTargetOptions()));
        var resolver = new WebhookAddressResolver((_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Loopback }));

        var refusal = await Assert.ThrowsAsync<WebhookTargetRefusedException>(() =>
            WebhookConnector.ResolvePermittedAsync("partner.example.com", validator, resolver, CancellationToken.None));

        Assert.Equal("127.0.0.1 is a loopback address", refusal.Message);
    }

    [Fact]
    public async Task ResolvePermittedAsync_PublicAnswers_AreReturnedWithMappedAddressesAsIPv4()
    {
        var validator = new WebhookTargetValidator(Options.Create(new WebhookTargetOptions()));
        var resolver = new WebhookAddressResolver((_, _) =>
            Task.FromResult(new[] { IPAddress.Parse("::ffff:93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1") }));

        var addresses = await WebhookConnector.ResolvePermittedAsync("partner.example.com", validator, resolver, CancellationToken.None);

        Assert.Equal([IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1")], addresses);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddHubWebhookClient(configuration).BuildServiceProvider();
    }
}

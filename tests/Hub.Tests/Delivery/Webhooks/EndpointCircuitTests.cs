using System.Net;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Foundation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Tests.Delivery.Webhooks;

/// <summary>The delivery client's circuit breaker: one circuit per endpoint URL (scheme, host, port, path), not per host.</summary>
public sealed class EndpointCircuitTests
{
    private const string Failing = "https://hooks.platform.example.com/partners/alpha";
    private const string Healthy = "https://hooks.platform.example.com/partners/beta";

    [Fact]
    public async Task TwoPartnersOnOneHost_OneEndpointFailing_OpensOnlyItsOwnCircuit()
    {
        using var provider = Build(request => request.RequestUri!.AbsolutePath == "/partners/alpha"
            ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
            : new HttpResponseMessage(HttpStatusCode.NoContent));
        var sender = provider.GetRequiredService<WebhookSender>();

        var failing = new List<WebhookAttemptResult>();
        for (var i = 0; i < 3; i++)
        {
            failing.Add(await sender.SendAsync(Delivery("partner-alpha", Failing), CancellationToken.None));
        }

        Assert.Equal([WebhookFailure.Status, WebhookFailure.Status, WebhookFailure.CircuitOpen], failing.Select(r => r.Failure));
        var healthy = await sender.SendAsync(Delivery("partner-beta", Healthy), CancellationToken.None);
        Assert.Equal(WebhookOutcome.Delivered, healthy.Outcome);
        Assert.Equal(204, healthy.StatusCode);
    }

    [Fact]
    public async Task OneEndpoint_DifferentQueries_ShareOneCircuit()
    {
        var requests = 0;
        using var provider = Build(_ =>
        {
            Interlocked.Increment(ref requests);
            return new HttpResponseMessage(HttpStatusCode.BadGateway);
        });
        var sender = provider.GetRequiredService<WebhookSender>();

        await sender.SendAsync(Delivery("partner-alpha", Failing + "?token=1"), CancellationToken.None);
        await sender.SendAsync(Delivery("partner-alpha", Failing + "?token=2"), CancellationToken.None);
        var third = await sender.SendAsync(Delivery("partner-alpha", Failing + "?token=3"), CancellationToken.None);

        Assert.Equal(WebhookFailure.CircuitOpen, third.Failure);
        Assert.Equal(2, requests);
    }

    [Theory]
    [InlineData("https://hooks.example.com/a", "https://hooks.example.com/b", false)]
    [InlineData("https://hooks.example.com/a", "https://hooks.example.com:8443/a", false)]
    [InlineData("https://hooks.example.com/a", "http://hooks.example.com/a", false)]
    [InlineData("https://hooks.example.com/a", "https://other.example.com/a", false)]
    [InlineData("https://hooks.example.com/a?x=1", "https://HOOKS.example.com:443/a?x=2", true)]
    public void EndpointKey_SchemeHostPortPath_NeverQuery(string first, string second, bool same)
    {
        var a = WebhookServiceCollectionExtensions.EndpointKey(new Uri(first));
        var b = WebhookServiceCollectionExtensions.EndpointKey(new Uri(second));

        Assert.Equal(same, a == b);
    }

    [Fact]
    public void EndpointKey_PathWithAToken_IsNotInTheKey()
    {
        var key = WebhookServiceCollectionExtensions.EndpointKey(new Uri("https://hooks.example.com/services/T0/B0/s3cr3t-token?sig=abc"));

        Assert.StartsWith("https://hooks.example.com:443/#", key, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", key, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", key, StringComparison.Ordinal);
    }

    private static WebhookDelivery Delivery(string partnerId, string url) =>
        new(partnerId, "upd-1", url, [WebhookSignature.CreateSecret()], "{}"u8.ToArray());

    private static ServiceProvider Build(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "2",
            ["Hub:Webhooks:CircuitBreakerFailureRatio"] = "0.5",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddHubWebhookClient(configuration);
        // In place of the address-pinning connector: the endpoints answer from here, inside the resilience pipeline.
        services.AddHttpClient(WebhookPipelines.ClientName).ConfigurePrimaryHttpMessageHandler(() => new Answering(answer));
        return services.BuildServiceProvider();
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}

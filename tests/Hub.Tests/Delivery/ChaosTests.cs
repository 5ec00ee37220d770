using System.Net;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Delivery.Chaos;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Mellanrum.Hub.Tests.Delivery;

/// <summary>Fault injection through <c>Hub:Chaos</c>: off by default in every client, and injecting when configured.</summary>
public sealed class ChaosTests
{
    private const string Storage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static IConfiguration Config(Dictionary<string, string?> settings)
    {
        settings["AzureWebJobsStorage"] = Storage;
        settings["Hub:Webhooks:AllowPrivateTargets"] = "true";
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>A storage client of the hub's composition whose transport only counts the requests that reach it.</summary>
    private static (TableServiceClient Client, QueueServiceClient Queues, CountingHandler Transport, ServiceProvider Provider) StorageClient(Dictionary<string, string?> settings)
    {
        var handler = new CountingHandler();
        var services = new ServiceCollection().AddLogging();
        services.AddHubAzureClients(Config(settings));
        services.AddAzureClients(clients => clients.ConfigureDefaults(options =>
        {
            options.Transport = new HttpClientTransport(new HttpClient(handler));
            options.Retry.MaxRetries = 0;
        }));
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<TableServiceClient>(), provider.GetRequiredService<QueueServiceClient>(), handler, provider);
    }

    [Fact]
    public async Task StorageClients_ChaosOffByDefault_EveryRequestReachesTheService()
    {
        var (client, queues, transport, provider) = StorageClient([]);
        using var _ = provider;

        await client.GetTableClient("chaosoff").CreateIfNotExistsAsync();
        await queues.GetQueueClient("chaosoff").CreateIfNotExistsAsync();

        Assert.Equal(2, transport.Requests);
        Assert.False(provider.GetRequiredService<HubChaos>().Options.IsOn);
    }

    [Fact]
    public async Task StorageClients_FaultRateOne_EveryRequestFailsBeforeReachingTheService()
    {
        var (client, queues, transport, provider) = StorageClient(new() { ["Hub:Chaos:FaultRate"] = "1" });
        using var _ = provider;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetTableClient("chaoson").CreateIfNotExistsAsync());
        var queueError = await Assert.ThrowsAnyAsync<Exception>(() => queues.GetQueueClient("chaoson").CreateIfNotExistsAsync());

        Assert.Contains("Chaos", error.ToString());
        Assert.Contains("Chaos", queueError.ToString());
        Assert.Equal(0, transport.Requests);
    }

    [Fact]
    public async Task StorageClients_LatencyRateOne_DelaysEveryRequest()
    {
        var (client, _, transport, provider) = StorageClient(new() { ["Hub:Chaos:LatencyRate"] = "1", ["Hub:Chaos:Latency"] = "00:00:00.300" });
        using var _ = provider;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await client.GetTableClient("chaoslate").CreateIfNotExistsAsync();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), watch.Elapsed.ToString());
        Assert.Equal(1, transport.Requests);
    }

    [Fact]
    public async Task ServiceBusSends_ChaosOffByDefault_RunUntouched_FaultRateOne_FailAsServiceBusy()
    {
        using var off = Provider([]);
        using var on = Provider(new() { ["Hub:Chaos:FaultRate"] = "1" });
        var sent = 0;

        Assert.Same(ResiliencePipeline.Empty, off.GetRequiredService<HubChaos>().ServiceBus);
        await off.GetRequiredService<HubChaos>().ServiceBus.ExecuteAsync(_ => { sent++; return ValueTask.CompletedTask; });
        var error = await Assert.ThrowsAsync<ServiceBusException>(async () =>
            await on.GetRequiredService<HubChaos>().ServiceBus.ExecuteAsync(_ => { sent++; return ValueTask.CompletedTask; }));

        Assert.Equal(1, sent);
        Assert.Equal(ServiceBusFailureReason.ServiceBusy, error.Reason);
        Assert.Equal(SendResult.Transient, ChannelFailures.Classify(error, TimeSpan.Zero).Result);
    }

    [Fact]
    public async Task Webhooks_ChaosOffByDefault_RequestGoesOut_OutcomeRateOne_Answers503WithoutSending()
    {
        using var off = Provider([]);
        using var on = Provider(new() { ["Hub:Chaos:OutcomeRate"] = "1" });
        // Nothing listens there: a request that goes out fails on the network.
        var delivery = new WebhookDelivery("partner-nacka", "upd-1", ClosedPortUrl(), [WebhookSignature.CreateSecret()], "{}"u8.ToArray());

        var sent = await off.GetRequiredService<WebhookSender>().SendAsync(delivery, CancellationToken.None);
        var injected = await on.GetRequiredService<WebhookSender>().SendAsync(delivery, CancellationToken.None);

        Assert.Equal(WebhookFailure.Network, sent.Failure);
        Assert.Equal(WebhookOutcome.RetryLater, injected.Outcome);
        Assert.Equal(503, injected.StatusCode);
    }

    [Fact]
    public async Task Webhooks_FaultRateOne_FailsAsANetworkError()
    {
        using var on = Provider(new() { ["Hub:Chaos:FaultRate"] = "1" });
        var delivery = new WebhookDelivery("partner-nacka", "upd-1", ClosedPortUrl(), [WebhookSignature.CreateSecret()], "{}"u8.ToArray());

        var injected = await on.GetRequiredService<WebhookSender>().SendAsync(delivery, CancellationToken.None);

        Assert.Equal(WebhookFailure.Network, injected.Failure);
        Assert.Contains("ConnectionError", injected.Reason);
    }

    [Fact]
    public void ChaosOptions_RateAboveOne_FailsValidation()
    {
        using var provider = Provider(new() { ["Hub:Chaos:FaultRate"] = "1.5" });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ChaosOptions>>().Value);
    }

    private static string ClosedPortUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddHubWebhookClient(Config(settings)).BuildServiceProvider();

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new StringContent(string.Empty) });
        }
    }
}

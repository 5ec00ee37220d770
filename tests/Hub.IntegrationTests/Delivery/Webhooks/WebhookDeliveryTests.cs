using System.Net;
using System.Text;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Foundation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;

/// <summary>The webhook sender against real Kestrel receivers on loopback (hence AllowPrivateTargets in most tests).</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"specversion":"1.0","id":"upd-42","source":"/sources/nacka-ekonomi","type":"se.samverkan.update","subject":"nacka-forskola","data":{"title":"Beslut om förskoleplatser"}}""");

    private readonly string secret = WebhookSignature.CreateSecret();
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync(secret);

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task SendAsync_ReceiverAnswers200_DeliveredWithValidSignature()
    {
        using var services = Services();

        var result = await Send(services, receiver.Url("/ok"));

        Assert.Equal(WebhookOutcome.Delivered, result.Outcome);
        Assert.Equal(200, result.StatusCode);
        var received = Assert.Single(receiver.Received);
        Assert.True(received.SignatureValid);
        Assert.Equal("upd-42", received.WebhookId);
        Assert.StartsWith("application/cloudevents+json", received.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ReceiverAnswers500_RetryLater()
    {
        using var services = Services();

        var result = await Send(services, receiver.Url("/error"));

        Assert.Equal(WebhookOutcome.RetryLater, result.Outcome);
        Assert.Equal(500, result.StatusCode);
        Assert.True(Assert.Single(receiver.Received).SignatureValid);
    }

    [Fact]
    public async Task SendAsync_ReceiverTooSlow_TimesOutAsRetryLater()
    {
        using var services = Services(new() { ["Hub:Webhooks:Timeout"] = "00:00:00.500" });

        var result = await Send(services, receiver.Url("/slow"));

        Assert.Equal(WebhookOutcome.RetryLater, result.Outcome);
        Assert.Equal(WebhookFailure.Timeout, result.Failure);
        Assert.Null(result.StatusCode);
    }

    [Fact]
    public async Task SendAsync_ReceiverAnswers429WithRetryAfter_RetryLaterAfterSevenSeconds()
    {
        using var services = Services();

        var result = await Send(services, receiver.Url("/throttle"));

        Assert.Equal(WebhookOutcome.RetryLater, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_ReceiverAnswers410_Gone()
    {
        using var services = Services();

        var result = await Send(services, receiver.Url("/gone"));

        Assert.Equal(WebhookOutcome.Gone, result.Outcome);
        Assert.Equal(410, result.StatusCode);
    }

    [Fact]
    public async Task SendAsync_ReceiverRedirects_NotFollowedAndFailed()
    {
        using var services = Services();

        var result = await Send(services, receiver.Url("/redirect"));

        Assert.Equal(WebhookOutcome.Failed, result.Outcome);
        Assert.Equal(WebhookFailure.Redirect, result.Failure);
        Assert.Equal(302, result.StatusCode);
        Assert.Equal(["/redirect"], receiver.Received.Select(r => r.Path));
    }

    [Fact]
    public async Task SendAsync_HostNameResolvingToLoopback_RefusedWithoutReachingReceiver()
    {
        using var services = Services(new() { ["Hub:Webhooks:AllowPrivateTargets"] = "false" }, ResolveTo(IPAddress.Loopback));

        var result = await Send(services, $"https://partner.example.com:{receiver.Port}/ok");

        Assert.Equal(WebhookOutcome.Refused, result.Outcome);
        Assert.Equal(WebhookFailure.TargetRefused, result.Failure);
        Assert.Equal("127.0.0.1 is a loopback address", result.Reason);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task SendAsync_HostNameResolvingToOnePublicAndOneLoopbackAddress_Refused()
    {
        using var services = Services(
            new() { ["Hub:Webhooks:AllowPrivateTargets"] = "false" }, ResolveTo(IPAddress.Parse("93.184.216.34"), IPAddress.Loopback));

        var result = await Send(services, $"https://partner.example.com:{receiver.Port}/ok");

        Assert.Equal(WebhookOutcome.Refused, result.Outcome);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task SendAsync_HostNameResolvedOnce_ConnectsToResolvedAddressKeepingHostHeader()
    {
        var lookups = 0;
        var resolver = new WebhookAddressResolver((_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });
        using var services = Services(resolver: resolver);

        var result = await Send(services, $"http://partner.example.com:{receiver.Port}/ok");

        Assert.Equal(WebhookOutcome.Delivered, result.Outcome);
        Assert.Equal($"partner.example.com:{receiver.Port}", Assert.Single(receiver.Received).Host);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task SendAsync_OneEndpointNeverAnswers_OtherEndpointDeliveredMeanwhile()
    {
        await using var dead = await WebhookReceiver.StartAsync(secret);
        using var services = Services(new() { ["Hub:Webhooks:Timeout"] = "00:01:00" });

        var deadDelivery = Send(services, dead.Url("/hang"));
        await dead.HangingArrived.WaitAsync(Patience);
        var healthy = await Send(services, receiver.Url("/ok")).WaitAsync(Patience);

        Assert.Equal(WebhookOutcome.Delivered, healthy.Outcome);
        Assert.False(deadDelivery.IsCompleted, "the dead endpoint's delivery should still be pending");
        dead.ReleaseHanging();
        Assert.Equal(WebhookOutcome.Delivered, (await deadDelivery.WaitAsync(Patience)).Outcome);
    }

    [Fact]
    public async Task SendAsync_DeadEndpointFailsRepeatedly_OnlyItsCircuitOpens()
    {
        await using var dead = await WebhookReceiver.StartAsync(secret);
        using var services = Services(new()
        {
            ["Hub:Webhooks:Timeout"] = "00:00:00.300",
            ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "2",
            ["Hub:Webhooks:CircuitBreakerFailureRatio"] = "0.5",
            ["Hub:Webhooks:CircuitBreakerSamplingDuration"] = "00:01:00",
            ["Hub:Webhooks:CircuitBreakerBreakDuration"] = "00:01:00",
        });

        var first = await Send(services, dead.Url("/hang"));
        var second = await Send(services, dead.Url("/hang"));
        var third = await Send(services, dead.Url("/hang"));
        var healthy = await Send(services, receiver.Url("/ok"));

        Assert.Equal(WebhookFailure.Timeout, first.Failure);
        Assert.Equal(WebhookFailure.Timeout, second.Failure);
        Assert.Equal(WebhookOutcome.RetryLater, third.Outcome);
        Assert.Equal(WebhookFailure.CircuitOpen, third.Failure);
        Assert.NotNull(third.RetryAfter);
        Assert.Equal(2, dead.HangingCount);
        Assert.Equal(WebhookOutcome.Delivered, healthy.Outcome);
    }

    private Task<WebhookAttemptResult> Send(ServiceProvider services, string url) =>
        services.GetRequiredService<WebhookSender>().SendAsync(
            new WebhookDelivery("partner-nacka", "upd-42", url, [secret], Body), CancellationToken.None);

    private static WebhookAddressResolver ResolveTo(params IPAddress[] addresses) =>
        new((_, _) => Task.FromResult(addresses));

    private static ServiceProvider Services(Dictionary<string, string?>? settings = null, WebhookAddressResolver? resolver = null)
    {
        var all = new Dictionary<string, string?> { ["Hub:Webhooks:AllowPrivateTargets"] = "true" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var services = new ServiceCollection().AddLogging();
        if (resolver is not null)
        {
            services.AddSingleton(resolver);
        }

        return services.AddHubWebhookClient(new ConfigurationBuilder().AddInMemoryCollection(all).Build()).BuildServiceProvider();
    }
}

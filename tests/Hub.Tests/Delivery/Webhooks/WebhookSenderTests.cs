using System.Net;
using System.Text;
using Mellanrum.Hub.Delivery.Webhooks;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Partners;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;

namespace Mellanrum.Hub.Tests.Delivery.Webhooks;

public sealed class WebhookSenderTests
{
    private const string Url = "https://partner.example.com/hooks/mellanrum";
    private static readonly string Secret = WebhookSignature.CreateSecret();
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"specversion":"1.0","id":"upd-1","source":"/sources/nacka-ekonomi","type":"se.samverkan.update","data":{"title":"Beslut om förskola"}}""");

    [Fact]
    public async Task SendAsync_Delivery_HeadersVerifyWithStandardWebhooks()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var sender = CreateSender(handler);

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Equal(WebhookOutcome.Delivered, result.Outcome);
        var request = Assert.Single(handler.Requests);
        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToArray();
        }

        new StandardWebhook(Secret).Verify(request.Body, headers); // throws when the signature does not match
        Assert.Equal("upd-1", headers["webhook-id"]);
        Assert.StartsWith("v1,", headers["webhook-signature"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Delivery_PostsTheBodyBytesAsCloudEventsJson()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.Accepted));

        await CreateSender(handler).SendAsync(Delivery(), CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri(Url), request.Uri);
        Assert.Equal("application/cloudevents+json", request.MediaType);
        Assert.Equal(Encoding.UTF8.GetString(Body), request.Body);
    }

    [Fact]
    public void Sign_SameInput_EqualsStandardWebhooksSignature()
    {
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(1_741_944_600);
        Assert.True(WebhookSignature.TryReadKey(Secret, out var key));

        var ours = WebhookSignature.Sign(key, "upd-1", timestamp.ToUnixTimeSeconds(), Body);

        Assert.Equal(new StandardWebhook(Secret).Sign("upd-1", timestamp, Encoding.UTF8.GetString(Body)), ours);
    }

    [Theory]
    [InlineData(200, WebhookOutcome.Delivered, WebhookFailure.None)]
    [InlineData(204, WebhookOutcome.Delivered, WebhookFailure.None)]
    [InlineData(410, WebhookOutcome.Gone, WebhookFailure.Status)]
    [InlineData(500, WebhookOutcome.RetryLater, WebhookFailure.Status)]
    [InlineData(502, WebhookOutcome.RetryLater, WebhookFailure.Status)]
    [InlineData(503, WebhookOutcome.RetryLater, WebhookFailure.Status)]
    [InlineData(408, WebhookOutcome.RetryLater, WebhookFailure.Status)]
    [InlineData(429, WebhookOutcome.RetryLater, WebhookFailure.Status)]
    [InlineData(301, WebhookOutcome.Failed, WebhookFailure.Redirect)]
    [InlineData(302, WebhookOutcome.Failed, WebhookFailure.Redirect)]
    [InlineData(307, WebhookOutcome.Failed, WebhookFailure.Redirect)]
    [InlineData(400, WebhookOutcome.Failed, WebhookFailure.Status)]
    [InlineData(401, WebhookOutcome.Failed, WebhookFailure.Status)]
    [InlineData(404, WebhookOutcome.Failed, WebhookFailure.Status)]
    public async Task SendAsync_StatusCode_MapsToOutcome(int status, WebhookOutcome outcome, WebhookFailure failure)
    {
        var sender = CreateSender(new StubHandler(_ => new HttpResponseMessage((HttpStatusCode)status)));

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(failure, result.Failure);
        Assert.Equal(status, result.StatusCode);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task SendAsync_RetryAfterOnThrottle_IsReturned(int status)
    {
        var sender = CreateSender(new StubHandler(_ => WithRetryAfter((HttpStatusCode)status, "7")));

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_RetryAfterOn500_IsIgnored()
    {
        var sender = CreateSender(new StubHandler(_ => WithRetryAfter(HttpStatusCode.InternalServerError, "7")));

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_NetworkError_RetryLaterWithoutThrowing()
    {
        var sender = CreateSender(new StubHandler(_ =>
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (partner.example.com:443)")));

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Equal(WebhookOutcome.RetryLater, result.Outcome);
        Assert.Equal(WebhookFailure.Network, result.Failure);
        Assert.Equal("network error (ConnectionError)", result.Reason);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefusedByAddressCheck_IsRefused()
    {
        var sender = CreateSender(new StubHandler(_ => throw new HttpRequestException(
            "connect failed", new WebhookTargetRefusedException("127.0.0.1 is a loopback address"))));

        var result = await sender.SendAsync(Delivery(), CancellationToken.None);

        Assert.Equal(WebhookOutcome.Refused, result.Outcome);
        Assert.Equal("127.0.0.1 is a loopback address", result.Reason);
    }

    [Fact]
    public async Task SendAsync_UnsafeUrl_IsRefusedWithoutRequest()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        var result = await CreateSender(handler).SendAsync(Delivery(url: "https://169.254.169.254/latest"), CancellationToken.None);

        Assert.Equal(WebhookOutcome.Refused, result.Outcome);
        Assert.Equal(WebhookFailure.TargetRefused, result.Failure);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")]
    public async Task SendAsync_UnusableSecret_FailsWithoutRequestOrSecretInReason(string secret)
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        var result = await CreateSender(handler).SendAsync(Delivery(secret: secret), CancellationToken.None);

        Assert.Equal(WebhookOutcome.Failed, result.Outcome);
        Assert.Equal(WebhookFailure.InvalidSecret, result.Failure);
        Assert.DoesNotContain("c2hvcnQ", result.Reason, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var sender = CreateSender(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Delivery(), cancellation.Token));
    }

    [Fact]
    public void ToString_Delivery_ShowsNeitherSecretNorBody()
    {
        var text = Delivery().ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("förskola", text, StringComparison.Ordinal);
        Assert.Contains("upd-1", text, StringComparison.Ordinal);
    }

    private static WebhookDelivery Delivery(string url = Url, string? secret = null) =>
        new("partner-nacka", "upd-1", url, [secret ?? Secret], Body);

    private static HttpResponseMessage WithRetryAfter(HttpStatusCode status, string retryAfter)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    private static WebhookSender CreateSender(StubHandler handler)
    {
        // StandardWebhook.Verify checks the timestamp against the real clock, so the fake clock starts at it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var validator = new WebhookTargetValidator(Options.Create(new WebhookTargetOptions()));
        return new WebhookSender(new StubFactory(handler), validator, time, NullLogger<WebhookSender>.Instance);
    }

    private sealed record CapturedRequest(
        HttpMethod Method, Uri? Uri, string? MediaType, string Body, IReadOnlyList<(string Name, IEnumerable<string> Values)> Headers);

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<CapturedRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var headers = request.Headers.Select(h => (h.Key, h.Value))
                .Concat(request.Content?.Headers.Select(h => (h.Key, h.Value)) ?? [])
                .ToList();
            Requests.Add(new CapturedRequest(request.Method, request.RequestUri, request.Content?.Headers.ContentType?.MediaType, body, headers));
            return respond(request);
        }
    }

    private sealed class StubFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}

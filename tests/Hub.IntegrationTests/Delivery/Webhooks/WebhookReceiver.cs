using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;

/// <summary>
/// One webhook request as the receiver saw it; <see cref="SignatureValid"/> checked with StandardWebhooks against the
/// first secret, <see cref="ValidFor"/> the indexes of every secret it was given that verifies the request,
/// <see cref="Sequence"/> the CloudEvent's <c>sequence</c>, <see cref="Status"/> what the receiver answered (499 when the
/// sender went away before an answer).
/// </summary>
internal sealed record ReceivedWebhook(string Path, string? WebhookId, bool SignatureValid, string? Host, string? ContentType, IReadOnlyList<int> ValidFor, string? Signature, long? Sequence = null, int Status = 0)
{
    /// <summary>The request's <c>traceparent</c> header.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The CloudEvent's <c>traceparent</c> extension attribute.</summary>
    public string? EventTraceParent { get; init; }
}

/// <summary>
/// A real Kestrel webhook receiver on 127.0.0.1 (a free port) that verifies every request with
/// <see cref="StandardWebhook.Verify"/>. Paths: /ok 200, /error 500, /slow (answers after 30 s), /throttle 429 with
/// Retry-After 7, /gone 410, /redirect 302 to /ok, /hang (answers only when <see cref="ReleaseHanging"/> is called),
/// /flaky (503 with Retry-After 1 while <see cref="Failing"/> is set, else 200).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource hangingArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int hangingCount;

    private WebhookReceiver(WebApplication app, string[] secrets)
    {
        this.app = app;
        var webhooks = secrets.Select(s => new StandardWebhook(s)).ToArray();
        app.Use(async (context, next) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            // StandardWebhooks 1.1.2 compares only the first signature of a list, so each signature is verified on its own:
            // during a rotation the hub sends one per valid secret.
            var validFor = new List<int>();
            var signatures = context.Request.Headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < webhooks.Length; i++)
            {
                foreach (var signature in signatures)
                {
                    var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)) { ["webhook-signature"] = signature };
                    try
                    {
                        webhooks[i].Verify(body, headers);
                        validFor.Add(i);
                        break;
                    }
                    catch (WebhookVerificationException)
                    {
                    }
                }
            }

            long? sequence = null;
            string? eventTrace = null;
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                sequence = json.RootElement.TryGetProperty("sequence", out var s) && long.TryParse(s.GetString(), out var n) ? n : null;
                eventTrace = json.RootElement.TryGetProperty("traceparent", out var t) ? t.GetString() : null;
            }
            catch (System.Text.Json.JsonException)
            {
            }

            try
            {
                await next(context);
            }
            finally
            {
                // Before the answer leaves (no body is written): the hub cannot act on an answer not yet recorded here.
                Received.Enqueue(new ReceivedWebhook(
                    context.Request.Path, context.Request.Headers["webhook-id"], validFor.Contains(0), context.Request.Host.Value, context.Request.ContentType, validFor, context.Request.Headers["webhook-signature"], sequence,
                    context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode)
                {
                    TraceParent = context.Request.Headers.TraceParent.FirstOrDefault(),
                    EventTraceParent = eventTrace,
                });
            }
        });
        app.MapPost("/ok", () => Results.Ok());
        app.MapPost("/error", () => Results.StatusCode(500));
        app.MapPost("/gone", () => Results.StatusCode(410));
        app.MapPost("/redirect", () => Results.Redirect("/ok"));
        app.MapPost("/throttle", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "7";
            return Results.StatusCode(429);
        });
        app.MapPost("/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return Results.Ok();
        });
        app.MapPost("/flaky", (HttpContext context) =>
        {
            if (!Failing)
            {
                return Results.Ok();
            }

            context.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(503);
        });
        app.MapPost("/hang", async (HttpContext context) =>
        {
            Interlocked.Increment(ref hangingCount);
            hangingArrived.TrySetResult();
            await release.Task.WaitAsync(context.RequestAborted);
            return Results.Ok();
        });
    }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>While true, /flaky answers 503 (Retry-After 1).</summary>
    public volatile bool Failing;

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>Requests that reached /hang so far.</summary>
    public int HangingCount => Volatile.Read(ref hangingCount);

    /// <summary>Completes when the first request reaches /hang.</summary>
    public Task HangingArrived => hangingArrived.Task;

    /// <summary>Starts a receiver that verifies with each of <paramref name="secrets"/> (the first decides <see cref="ReceivedWebhook.SignatureValid"/>).</summary>
    public static async Task<WebhookReceiver> StartAsync(params string[] secrets)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build(), secrets);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public void ReleaseHanging() => release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}

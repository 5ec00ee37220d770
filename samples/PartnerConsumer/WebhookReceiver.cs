using System.Text;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>
/// Receives the hub's webhook: a <c>POST</c> of one CloudEvent (<c>application/cloudevents+json</c>) signed with
/// Standard Webhooks headers (<c>webhook-id</c> = update id, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
/// Answers 401 for a bad signature or a timestamp more than 5 minutes off, 400 for a signed body that is not an update
/// (not retried by the hub), 204 once applied or recognised as a duplicate. Anything else (a 5xx, a timeout, 429) makes
/// the hub retry with growing waits; 410 Gone tells it to stop delivering to this URL.
/// </summary>
public static partial class WebhookReceiver
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// Maps the receiver; <paramref name="secrets"/> are the current signing secret and, during a rotation, the previous
    /// one: a delivery is accepted when one of its signatures verifies with one of them.
    /// </summary>
    public static IEndpointRouteBuilder MapHubWebhook(this IEndpointRouteBuilder endpoints, string path, IReadOnlyList<string> secrets)
    {
        // The library takes the secret with or without its "whsec_" prefix and checks the timestamp tolerance itself.
        var webhooks = secrets.Select(s => new StandardWebhook(s)).ToArray();
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookReceiver).FullName!);
        endpoints.MapPost(path, (HttpRequest request, UpdateProcessor processor, CancellationToken cancellationToken) =>
            ReceiveAsync(request, webhooks, processor, logger, cancellationToken));
        return endpoints;
    }

    /// <summary>
    /// Verifies every signature of <c>webhook-signature</c> on its own with every secret: during a rotation the hub
    /// sends one per valid secret, and StandardWebhooks 1.1.2's <c>Verify</c> compares only the first of a list.
    /// </summary>
    private static void Verify(string body, IHeaderDictionary headers, IReadOnlyList<StandardWebhook> webhooks)
    {
        var signatures = headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        WebhookVerificationException? last = null;
        foreach (var webhook in webhooks)
        {
            foreach (var signature in signatures.DefaultIfEmpty(string.Empty))
            {
                var one = new HeaderDictionary(headers.ToDictionary(h => h.Key, h => h.Value)) { ["webhook-signature"] = signature };
                try
                {
                    webhook.Verify(body, one);
                    return;
                }
                catch (WebhookVerificationException e)
                {
                    last = e;
                }
            }
        }

        throw last ?? new WebhookVerificationException("No signing secret configured.");
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, IReadOnlyList<StandardWebhook> webhooks, UpdateProcessor processor, ILogger logger, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        // The signature covers the exact bytes sent: read the raw body, verify, and only then parse it.
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        try
        {
            Verify(body, request.Headers, webhooks);
        }
        catch (WebhookVerificationException e)
        {
            LogRejected(logger, e.Message);
            return Results.Unauthorized();
        }

        HubEvent hubEvent;
        try
        {
            hubEvent = HubEventReader.Read(Encoding.UTF8.GetBytes(body));
        }
        catch (UnreadableEventException e)
        {
            // The parser's message can quote the body: log the message id only.
            LogUnreadable(logger, request.Headers["webhook-id"].ToString(), e.InnerException?.GetType().Name ?? "InvalidEvent");
            return Results.BadRequest();
        }

        // Keep this fast: the hub waits for the answer. A real partner stores the event here and works on it later.
        DeliveryLog.Delivered(logger, "Webhook delivery, signature verified", hubEvent, processor.Handle(hubEvent));
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a webhook call: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed webhook {WebhookId} is not a hub update ({Error}); answered 400")]
    private static partial void LogUnreadable(ILogger logger, string webhookId, string error);
}

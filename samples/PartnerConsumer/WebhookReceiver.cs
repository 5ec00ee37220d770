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

    public static IEndpointRouteBuilder MapHubWebhook(this IEndpointRouteBuilder endpoints, string path, string secret)
    {
        // The library takes the secret with or without its "whsec_" prefix and checks the timestamp tolerance itself.
        var webhook = new StandardWebhook(secret);
        endpoints.MapPost(path, (HttpRequest request, UpdateProcessor processor, ILogger<UpdateProcessor> logger, CancellationToken cancellationToken) =>
            ReceiveAsync(request, webhook, processor, logger, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, StandardWebhook webhook, UpdateProcessor processor, ILogger logger, CancellationToken cancellationToken)
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
            webhook.Verify(body, request.Headers);
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
        processor.Handle(hubEvent);
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a webhook call: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed webhook {WebhookId} is not a hub update ({Error}); answered 400")]
    private static partial void LogUnreadable(ILogger logger, string webhookId, string error);
}

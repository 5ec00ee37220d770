using System.Text.Json;

namespace Mellanrum.Hub.Delivery;

/// <summary>The <c>deliveries</c> queue message: one webhook delivery, with the event it carries.</summary>
public sealed record WebhookDeliveryMessage(string PartnerId, string UpdateId, string Url, int Attempt, string Body, DateTimeOffset FirstAttemptAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, HubJson.Options);

    public static WebhookDeliveryMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<WebhookDeliveryMessage>(text, HubJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

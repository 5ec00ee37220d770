using System.Text;

namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>
/// One webhook delivery to send: <paramref name="WebhookId"/> is the <c>webhook-id</c> header (the update id, the
/// same on every attempt so that the partner can drop duplicates), <paramref name="Body"/> the CloudEvents
/// structured JSON (UTF-8), <paramref name="Secrets"/> the partner's valid <c>whsec_</c> signing secrets, newest first
/// (two during a rotation's overlap: the request then carries both signatures). <see cref="ToString"/> shows neither
/// the secrets nor the body. <see cref="Trace"/> is sent as the <c>traceparent</c> (and <c>tracestate</c>) header.
/// </summary>
public sealed record WebhookDelivery(string PartnerId, string WebhookId, string Url, IReadOnlyList<string> Secrets, ReadOnlyMemory<byte> Body)
{
    public CarriedTrace Trace { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("PartnerId = ").Append(PartnerId)
            .Append(", WebhookId = ").Append(WebhookId)
            .Append(", Body = ").Append(Body.Length).Append(" bytes");
        return true;
    }
}

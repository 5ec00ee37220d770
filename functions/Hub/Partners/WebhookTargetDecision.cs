namespace Mellanrum.Hub.Partners;

/// <summary>Whether a webhook URL or address may be delivered to, and if not, why (no secrets in the reason).</summary>
public readonly record struct WebhookTargetDecision(bool IsAllowed, string? Reason)
{
    public static WebhookTargetDecision Allowed => new(true, null);

    public static WebhookTargetDecision Refused(string reason) => new(false, reason);
}

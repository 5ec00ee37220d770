namespace Mellanrum.Hub.Partners;

/// <summary>Which webhook targets a partner may name, bound from <c>Hub:Webhooks</c> (beside the delivery settings).</summary>
public sealed class WebhookTargetOptions
{
    public const string Section = "Hub:Webhooks";

    /// <summary>
    /// Local development only: permits <c>http</c> URLs and private, loopback, link-local, unique-local and CGNAT
    /// addresses. Multicast, unspecified, broadcast and reserved addresses stay refused. Never on in Azure.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }
}

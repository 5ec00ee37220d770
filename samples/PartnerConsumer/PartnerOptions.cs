using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>
/// Configuration section <c>Partner</c>, from the command line (<c>--partner acme</c> or <c>--Partner:Id=acme</c>), the
/// environment (<c>Partner__Id=acme</c>), user secrets or <c>appsettings.json</c>. Connection strings and the webhook
/// secrets are the partner's own and come from configuration only, never the command line
/// (<see cref="Preflight.SecretSettings"/>).
/// </summary>
public sealed class PartnerOptions
{
    public const string Section = "Partner";

    /// <summary>The partner id the hub registered; the queue is <c>partner-{Id}</c>.</summary>
    [Required]
    [RegularExpression("^(?=.{3,55}$)[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "The partner id is 3-55 characters a-z and 0-9 in words joined by single '-', as the hub registered it.")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Queue name override; default <c>partner-{Id}</c>.</summary>
    public string? Queue { get; set; }

    public string QueueName => string.IsNullOrWhiteSpace(Queue) ? $"partner-{Id}" : Queue;

    public ServiceBusSettings ServiceBus { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    public WebhookSettings Webhook { get; set; } = new();
}

public sealed class ServiceBusSettings
{
    /// <summary>A connection string with a listen-only key on your queue (from the hub's operator).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Or the namespace host name (<c>sb-hub-xyz.servicebus.windows.net</c>) to connect with Entra ID
    /// (DefaultAzureCredential; the identity needs Azure Service Bus Data Receiver on the queue).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    [Range(1, 64)]
    public int MaxConcurrentCalls { get; set; } = 4;
}

public sealed class StorageSettings
{
    /// <summary>A connection string (or SAS connection string) to the storage account holding <c>partner-{Id}</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Or the queue service URI (<c>https://account.queue.core.windows.net</c>) to connect with Entra ID
    /// (the identity needs Storage Queue Data Message Processor on the queue).</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>Deliveries tried this many times go to <c>{queue}-poison</c>.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;
}

public sealed class WebhookSettings
{
    /// <summary>
    /// The <c>whsec_...</c> signing secret the hub showed once, as <c>secret</c> in the answer that registered the partner
    /// (or rotated its secret): <c>Partner__Webhook__Secret</c> or user secrets, never the command line.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// During a rotation, the secret being replaced: the hub signs with both for the overlap (24 h by default), so the
    /// receiver can switch to the new one without refusing a delivery.
    /// </summary>
    public string? PreviousSecret { get; set; }

    /// <summary>The path the hub posts to (the partner's registered URL ends with it).</summary>
    public string Path { get; set; } = "/webhooks/mellanrum";
}

using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Mellanrum.Samples.PartnerConsumer;
using Microsoft.Extensions.Options;

// Mellanrum partner consumer: one of three ways to receive the hub's updates, chosen by the first argument.
//   servicebus --partner acme --servicebus "<connection string>"    (or --namespace sb-hub-xyz.servicebus.windows.net)
//   queue      --partner acme --storage "<connection string>"       (or --queue-service-uri https://account.queue.core.windows.net)
//   webhook    --partner acme --secret whsec_... [--urls http://0.0.0.0:8080] [--path /webhooks/mellanrum]
// Every setting can also come from the environment: Partner__Id, Partner__ServiceBus__ConnectionString, ...
var switches = new Dictionary<string, string>
{
    ["--partner"] = "Partner:Id",
    ["--queue"] = "Partner:Queue",
    ["--servicebus"] = "Partner:ServiceBus:ConnectionString",
    ["--namespace"] = "Partner:ServiceBus:FullyQualifiedNamespace",
    ["--storage"] = "Partner:Storage:ConnectionString",
    ["--queue-service-uri"] = "Partner:Storage:QueueServiceUri",
    ["--secret"] = "Partner:Webhook:Secret",
    ["--path"] = "Partner:Webhook:Path",
};

var mode = args.Length > 0 ? args[0] : string.Empty;
var rest = args.Skip(1).ToArray();
if (mode is not ("servicebus" or "queue" or "webhook"))
{
    Console.Error.WriteLine("usage: PartnerConsumer servicebus|queue|webhook --partner <id> [options]  (see README.md)");
    return 64;
}

// The webhook mode is a web app; the queue modes are plain hosts (no HTTP listener).
IHostApplicationBuilder builder = mode == "webhook" ? WebApplication.CreateBuilder(rest) : Host.CreateApplicationBuilder(rest);
builder.Configuration.AddCommandLine(rest, switches);
builder.Services.AddOptions<PartnerOptions>()
    .BindConfiguration(PartnerOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<UpdateProcessor>();

var partner = builder.Configuration.GetSection(PartnerOptions.Section).Get<PartnerOptions>() ?? new PartnerOptions();
switch (mode)
{
    case "servicebus":
        builder.Services.AddSingleton(_ => partner.ServiceBus switch
        {
            { ConnectionString: { Length: > 0 } connection } => new ServiceBusClient(connection),
            { FullyQualifiedNamespace: { Length: > 0 } ns } => new ServiceBusClient(ns, new DefaultAzureCredential()),
            _ => throw new OptionsValidationException(PartnerOptions.Section, typeof(PartnerOptions),
                ["Set Partner:ServiceBus:ConnectionString (--servicebus) or Partner:ServiceBus:FullyQualifiedNamespace (--namespace)."]),
        });
        builder.Services.AddHostedService<ServiceBusConsumer>();
        break;
    case "queue":
        // The hub writes plain UTF-8 text, so no Base64 decoding (MessageEncoding.None, the SDK's default).
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        builder.Services.AddSingleton(_ => partner.Storage switch
        {
            { ConnectionString: { Length: > 0 } connection } => new QueueServiceClient(connection, queueOptions),
            { QueueServiceUri: { Length: > 0 } uri } => new QueueServiceClient(new Uri(uri), new DefaultAzureCredential(), queueOptions),
            _ => throw new OptionsValidationException(PartnerOptions.Section, typeof(PartnerOptions),
                ["Set Partner:Storage:ConnectionString (--storage) or Partner:Storage:QueueServiceUri (--queue-service-uri)."]),
        });
        builder.Services.AddHostedService<StorageQueueConsumer>();
        break;
}

if (builder is WebApplicationBuilder webBuilder)
{
    if (string.IsNullOrWhiteSpace(partner.Webhook.Secret))
    {
        Console.Error.WriteLine("Set Partner:Webhook:Secret (--secret whsec_...), the signing secret the hub gave at registration.");
        return 64;
    }

    var app = webBuilder.Build();
    app.MapHubWebhook(partner.Webhook.Path, [partner.Webhook.Secret!, .. partner.Webhook.PreviousSecret is { Length: > 0 } previous ? [previous] : Array.Empty<string>()]);
    await app.RunAsync();
}
else
{
    await ((HostApplicationBuilder)builder).Build().RunAsync();
}

return 0;

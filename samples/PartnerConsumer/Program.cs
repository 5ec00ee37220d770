using Azure.Storage.Queues;
using Mellanrum.Samples.PartnerConsumer;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Logging.Console;

// Mellanrum partner consumer: one of three ways to receive the hub's updates, chosen by the first argument.
//   servicebus --partner acme         with Partner__ServiceBus__ConnectionString set (or --namespace sb-hub-xyz.servicebus.windows.net)
//   queue      --partner acme         with Partner__Storage__ConnectionString set (or --queue-service-uri https://account.queue.core.windows.net)
//   webhook    --partner acme [--urls http://0.0.0.0:8080] [--path /webhooks/mellanrum]   with Partner__Webhook__Secret set
// Secrets (the connection strings and the signing secret) come from the environment, dotnet user-secrets or
// appsettings.json, never from the command line. A setup that cannot work ends at once with one line on standard
// error and a non-zero exit code (ExitCodes).
var switches = new Dictionary<string, string>
{
    ["--partner"] = "Partner:Id",
    ["--queue"] = "Partner:Queue",
    ["--namespace"] = "Partner:ServiceBus:FullyQualifiedNamespace",
    ["--queue-service-uri"] = "Partner:Storage:QueueServiceUri",
    ["--path"] = "Partner:Webhook:Path",
};

var mode = args.Length > 0 ? args[0] : string.Empty;
var rest = args.Skip(1).ToArray();
if (mode is not ("servicebus" or "queue" or "webhook"))
{
    Console.Error.WriteLine("usage: PartnerConsumer servicebus|queue|webhook --partner <id> [options]  (see README.md)");
    return ExitCodes.Usage;
}

if (Preflight.SecretOnCommandLine(rest) is { } onCommandLine)
{
    Console.Error.WriteLine(onCommandLine.Message);
    return onCommandLine.ExitCode;
}

// The webhook mode is a web app; the queue modes are plain hosts (no HTTP listener). Settings files are read from
// beside the program, wherever it is started from.
IHostApplicationBuilder builder = mode == "webhook"
    ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = AppContext.BaseDirectory })
    : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = rest, ContentRootPath = AppContext.BaseDirectory });
AddUserSecrets(builder);
builder.Configuration.AddCommandLine(rest, switches);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
    o.ColorBehavior = LoggerColorBehavior.Disabled;
});
builder.Services.AddOptions<PartnerOptions>()
    .BindConfiguration(PartnerOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<UpdateProcessor>();

var partner = builder.Configuration.GetSection(PartnerOptions.Section).Get<PartnerOptions>() ?? new PartnerOptions();
if (Preflight.Settings(mode, partner) is { } invalid)
{
    Console.Error.WriteLine(invalid.Message);
    return invalid.ExitCode;
}

using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
StartProblem? unavailable = null;
switch (mode)
{
    case "servicebus":
        var (serviceBus, serviceBusProblem) = Preflight.ServiceBusClient(partner.ServiceBus);
        unavailable = serviceBusProblem ?? await Preflight.ServiceBusQueueAsync(serviceBus!, partner.QueueName, startup.Token);
        builder.Services.AddSingleton(serviceBus!);
        builder.Services.AddHostedService<ServiceBusConsumer>();
        break;
    case "queue":
        // The hub writes plain UTF-8 text, so no Base64 decoding (MessageEncoding.None, the SDK's default).
        var (storage, storageProblem) = Preflight.StorageClient(partner.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        unavailable = storageProblem ?? await Preflight.StorageQueueAsync(storage!, partner.QueueName, startup.Token);
        builder.Services.AddSingleton(storage!);
        builder.Services.AddHostedService<StorageQueueConsumer>();
        break;
}

if (unavailable is not null)
{
    Console.Error.WriteLine(unavailable.Message);
    return unavailable.ExitCode;
}

if (builder is WebApplicationBuilder webBuilder)
{
    var app = webBuilder.Build();
    app.MapHubWebhook(partner.Webhook.Path, [partner.Webhook.Secret!, .. partner.Webhook.PreviousSecret is { Length: > 0 } previous ? [previous] : Array.Empty<string>()]);
    await app.RunAsync();
}
else
{
    await ((HostApplicationBuilder)builder).Build().RunAsync();
}

// Non-zero when a consumer stopped because its queue went away while it ran.
return Environment.ExitCode;

// dotnet user-secrets (the UserSecretsId in the project file) in every environment, not only Development, ranked
// below the environment and the command line as in Development.
static void AddUserSecrets(IHostApplicationBuilder builder)
{
    if (builder.Environment.IsDevelopment())
    {
        return; // the host added them already
    }

    var sources = builder.Configuration.Sources;
    var secrets = new ConfigurationBuilder().AddUserSecrets<PartnerOptions>(optional: true).Sources[0];
    var environment = sources.Select((source, index) => (source, index))
        .LastOrDefault(s => s.source is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
    sources.Insert(environment.source is null ? sources.Count : environment.index, secrets);
}

using System.Security.Cryptography;
using Azure;
using Azure.Storage.Queues;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Telemetry;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace Mellanrum.Hub.Local;

/// <summary>
/// Hosts Hub.Functions' function classes on one machine: every HTTP function on Kestrel under the <c>host.json</c> route
/// prefix, every queue function on a poller, every timer on its schedule; all read from the attributes.
/// </summary>
public static class HubLocalHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>The longest a stop may take before the host gives up waiting for what ignores its token.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(7);

    /// <summary>The key ring's key file in the data folder, made on first use (owner-only).</summary>
    public const string KeyFileName = "keyring-kek";

    /// <summary>
    /// Hub.Local's defaults: the settings the triggers' <c>%...%</c> expressions name (from the one source of truth,
    /// <see cref="TriggerSettings"/>, as the Bicep template sets them in Azure) and quiet logging.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> DefaultSettings =
        TriggerSettings.Defaults.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))
            .Concat(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Azure"] = "Warning",
                // Data Protection's own chatter (its key ring is encrypted with the key file, see BuildAsync; docs/security.md).
                ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
                // Kestrel quotes up to 128 bytes of a request line or header line it cannot parse at Debug: a key sent in a
                // query string, or on a folded header line, would be written down. Kept off when Microsoft.AspNetCore is
                // turned to Debug; name this category itself to see it (docs/reliability.md, "Logs").
                ["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Information",
            })
            .ToDictionary();

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultSettings });
        configure?.Invoke(builder);

        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Links the hub writes (digest e-mails, the register's open data) point to where it listens, unless told otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["Hub:PublicBaseUrl"])
            && PublicBaseUrl(builder.Configuration["urls"] ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? DefaultUrl) is { } listening)
        {
            builder.Configuration["Hub:PublicBaseUrl"] = listening;
        }

        // Storage: AzureWebJobsStorage when set, else Azurite from the repository's npm install, data under .hub/.
        var storageSection = builder.Configuration.GetSection(AzureClients.StorageSetting);
        if (string.IsNullOrEmpty(storageSection.Value) && !storageSection.GetChildren().Any())
        {
            var local = builder.Configuration.GetSection("Local:Azurite");
            var azurite = await AzuriteProcess.StartAsync(
                AzuriteProcess.FindRepositoryRoot(),
                Path.Combine(DataFolder(builder.Configuration), "azurite"),
                local.GetValue("BlobPort", 10000),
                local.GetValue("QueuePort", 10001),
                local.GetValue("TablePort", 10002));
            builder.Configuration[AzureClients.StorageSetting] = azurite.ConnectionString;

            // Registered first so that it stops last, after every poller and timer.
            builder.Services.AddHostedService(_ => new AzuriteLifetime(azurite));
        }

        if (string.IsNullOrEmpty(builder.Configuration["Hub:AdminKey"]))
        {
            builder.Configuration["Hub:AdminKey"] = LocalAdminKey(DataFolder(builder.Configuration));
        }

        // Stopping cancels every invocation's token and leaves its message for redelivery; nothing may hold the exit
        // longer than this (SIGINT or SIGTERM ends the process within 10 s).
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);

        // The key ring's KEK: a key file in the data folder unless one is named (Key Vault, when also set, encrypts and
        // the file still decrypts what it encrypted).
        var keyFile = $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.KeyFile)}";
        if (string.IsNullOrEmpty(builder.Configuration[keyFile]))
        {
            builder.Configuration[keyFile] = Path.Combine(DataFolder(builder.Configuration), KeyFileName);
        }

        builder.Services.AddHubTelemetry(builder.Configuration);

        // Kestrel's own refusals (a request line or header it cannot read) as problem details, as every other answer.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(KestrelRefusals.Middleware)));

        builder.Services.AddHub(builder.Configuration).AddHubHttp();
        builder.Services.AddSingleton<FunctionInvoker>();

        var functions = FunctionCatalog.Load();
        var hostJson = HostJson.Load();
        if (builder.Configuration.GetValue<TimeSpan?>("Local:QueueLease") is { } lease)
        {
            hostJson = hostJson with { Queues = hostJson.Queues with { Lease = lease } };
        }

        builder.Services.AddSingleton(new ServedFunctions(functions, hostJson));
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case Trigger.Queue queue:
                    builder.Services.AddSingleton<IHostedService>(sp => new QueueListener(
                        function,
                        FunctionCatalog.Resolve(queue.QueueName, builder.Configuration),
                        sp.GetRequiredService<QueueServiceClient>(),
                        hostJson.Queues,
                        sp.GetRequiredService<FunctionInvoker>(),
                        sp.GetRequiredService<ILogger<QueueListener>>()));
                    break;
                case Trigger.Timer timer:
                    builder.Services.AddSingleton<IHostedService>(sp => new TimerRunner(
                        function,
                        FunctionCatalog.Resolve(timer.Schedule, builder.Configuration),
                        sp.GetRequiredService<FunctionInvoker>(),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<TimerRunner>>()));
                    break;
            }
        }

        var app = builder.Build();
        app.UseEdgeProblems();
        foreach (var function in functions)
        {
            if (function.Trigger is Trigger.Http http)
            {
                app.MapMethods(string.IsNullOrEmpty(hostJson.RoutePrefix) ? $"/{http.Route}" : $"/{hostJson.RoutePrefix}/{http.Route}", http.Methods.Select(m => m.ToUpperInvariant()), context => InvokeHttpAsync(function, context))
                    .WithName(function.Name);
            }
        }

        return app;
    }

    /// <summary>Partners named one by one in the banner; the rest are counted.</summary>
    public const int BannerPartners = 20;

    /// <summary>
    /// The first thing a person sees: where the hub listens, the storage connection string a partner's consumer uses
    /// (only Azurite's, whose key is the published development key; another account's is never shown), each partner's
    /// queues and webhook, and a request to try. Nothing secret: no admin key, no partner secret or key.
    /// </summary>
    public static async Task PrintBannerAsync(WebApplication app, TextWriter output, CancellationToken cancellationToken = default)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
        var served = app.Services.GetRequiredService<ServedFunctions>();
        // The admin key: the one set in Hub__AdminKey, else the local one, named by its full path so that the hint works
        // from any folder (dotnet run starts the hub in functions/Hub.Local, the README runs commands at the root).
        var keyFromEnvironment = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Hub__AdminKey"));
        var keyFile = Path.Combine(DataFolder(app.Configuration), "admin-key");
        var adminKey = keyFromEnvironment ? "$Hub__AdminKey" : $"$(cat '{keyFile}')";
        output.WriteLine();
        output.WriteLine($"Mellanrum hub listening on {address}/api/v1 ({served.Functions.Count} functions: {served.Functions.Count(f => f.Trigger is Trigger.Http)} HTTP, {served.Functions.Count(f => f.Trigger is Trigger.Queue)} queue, {served.Functions.Count(f => f.Trigger is Trigger.Timer)} timer)");
        if (DevelopmentStorage(app.Configuration[AzureClients.StorageSetting]) is { } development)
        {
            output.WriteLine("Storage: Azurite (the development account, whose key is public). A partner's storage-queue consumer uses");
            output.WriteLine($"  export Partner__Storage__ConnectionString='{development}'");
        }
        else
        {
            output.WriteLine($"Storage: the account in {AzureClients.StorageSetting} (not shown: it holds the account's key or identity settings).");
        }

        await PrintPartnersAsync(app.Services, address, adminKey, output, cancellationToken);
        output.WriteLine("Try:");
        output.WriteLine($"  curl {address}/api/v1/health");
        output.WriteLine(keyFromEnvironment
            ? "Register a source (the admin key is the one in Hub__AdminKey):"
            : $"Register a source (the admin key was made for this machine and is kept in {keyFile}):");
        output.WriteLine($"  curl -X PUT {address}/api/v1/admin/sources/nacka-diarium -H \"Authorization: Bearer {adminKey}\" \\");
        output.WriteLine("       -H 'Content-Type: application/json' -d '{\"organisation\":\"0182\",\"name\":\"Nacka diarium\"}'");
        output.WriteLine("Press Ctrl-C to stop (Azurite stops with it).");
        output.WriteLine();
    }

    /// <summary>Each registered partner's queue names and webhook (its URL without a query), read when the hub starts.</summary>
    private static async Task PrintPartnersAsync(IServiceProvider services, string address, string adminKey, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlyList<Partner> partners;
        try
        {
            partners = [.. (await services.GetRequiredService<PartnerStore>().AllAsync(cancellationToken)).OrderBy(p => p.Id, StringComparer.Ordinal)];
        }
        catch (RequestFailedException e)
        {
            output.WriteLine($"Partners: could not be read ({e.Status} {e.ErrorCode}).");
            return;
        }

        var serviceBus = services.GetRequiredService<ServiceBusConnection>().Client?.FullyQualifiedNamespace;
        output.WriteLine(partners.Count == 0
            ? "Partners: none yet (register one as in README.md; the sample consumer is samples/PartnerConsumer)."
            : $"Partners ({partners.Count}) and where their updates go (the sample consumer is samples/PartnerConsumer):");
        foreach (var partner in partners.Take(BannerPartners))
        {
            output.WriteLine($"  {partner.Id}: {string.Join(", ", partner.Channels.Select(c => Describe(partner.Id, c, serviceBus)).Distinct(StringComparer.Ordinal).DefaultIfEmpty("no channel"))}");
        }

        if (partners.Count > BannerPartners)
        {
            output.WriteLine($"  ... and {partners.Count - BannerPartners} more.");
        }

        output.WriteLine($"  A partner's channels, also of one registered after this start: curl {address}/api/v1/admin/partners/<id> -H \"Authorization: Bearer {adminKey}\"");
    }

    private static string Describe(string partnerId, PartnerChannel channel, string? serviceBusNamespace) => channel.Type switch
    {
        PartnerChannel.Queue => $"storage queue {PartnerQueues.QueueName(partnerId)}",
        PartnerChannel.ServiceBus => $"Service Bus queue {PartnerQueues.QueueName(partnerId)}" + (serviceBusNamespace is { Length: > 0 } ns ? $" on {ns}" : " (no ServiceBus setting: not delivered)"),
        PartnerChannel.Webhook when Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) => $"webhook {url.Scheme}://{url.Authority}{url.AbsolutePath}",
        _ => channel.Type,
    };

    /// <summary>
    /// The storage connection string with its real endpoints when it is the development account (Azurite's published
    /// key, or <c>UseDevelopmentStorage=true</c>, which means ports 10000-10002), else null: another account's string
    /// holds its key and is never shown.
    /// </summary>
    public static string? DevelopmentStorage(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        if (connectionString.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return AzuriteProcess.ConnectionStringFor(10000, 10001, 10002);
        }

        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = parts.FirstOrDefault(p => p.StartsWith("AccountKey=", StringComparison.OrdinalIgnoreCase))?["AccountKey=".Length..];
        var hasSas = parts.Any(p => p.StartsWith("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase));
        return key == AzuriteProcess.DevelopmentAccountKey && !hasSas ? connectionString : null;
    }

    private static async Task InvokeHttpAsync(FunctionDescriptor function, HttpContext context)
    {
        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        var bindingData = context.Request.RouteValues.ToDictionary(v => v.Key, v => (object?)v.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
        var result = await invoker.InvokeAsync(function, context.Request, bindingData, context.RequestAborted);
        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new InvalidOperationException($"Function {function.Name} returned {result.GetType().Name}; HTTP functions return IResult.");
        }
    }

    /// <summary>
    /// The address to write in links for the first of <paramref name="urls"/> (as <c>--urls</c> takes them): a wildcard
    /// host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) as <c>localhost</c>; null for port 0, which is chosen at start.
    /// </summary>
    internal static string? PublicBaseUrl(string urls)
    {
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        var wildcard = System.Text.RegularExpressions.Regex.Replace(first, @"^(https?://)(\*|\+|0\.0\.0\.0|\[::\])(?=[:/]|$)", "$1localhost");
        return Uri.TryCreate(wildcard, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Port != 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    /// <summary>Without Hub__AdminKey, a random key kept in .hub/admin-key (not in the repository, not in a log).</summary>
    private static string LocalAdminKey(string dataFolder)
    {
        var file = Path.Combine(dataFolder, "admin-key");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 16 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(file, key);
        return key;
    }

    /// <summary>
    /// The local data folder: <c>Local:DataFolder</c> when set, else <c>.hub/</c> at the repository root (or the working
    /// directory outside a clone).
    /// </summary>
    public static string DataFolder(IConfiguration configuration)
    {
        if (configuration["Local:DataFolder"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        try
        {
            return Path.Combine(AzuriteProcess.FindRepositoryRoot(), ".hub");
        }
        catch (InvalidOperationException)
        {
            return Path.Combine(Directory.GetCurrentDirectory(), ".hub");
        }
    }

    private sealed class AzuriteLifetime(AzuriteProcess azurite) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await azurite.DisposeAsync();
    }
}

/// <summary>What this Hub.Local instance serves, for the parity test and the banner.</summary>
public sealed record ServedFunctions(IReadOnlyList<FunctionDescriptor> Functions, HostJson HostJson);

using System.ComponentModel.DataAnnotations;
using Azure;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>The exit codes (from BSD's sysexits.h), each with one line on standard error and no stack trace.</summary>
public static class ExitCodes
{
    /// <summary>A wrong mode or option, or a secret on the command line.</summary>
    public const int Usage = 64;

    /// <summary>The queue does not exist or cannot be reached.</summary>
    public const int Unavailable = 69;

    /// <summary>The connection string's key or the identity may not read the queue.</summary>
    public const int NoPermission = 77;

    /// <summary>A setting is missing or malformed (the partner id, a connection string, the signing secret).</summary>
    public const int Configuration = 78;
}

/// <summary>A reason not to start, as one line for a person and an exit code.</summary>
public sealed record StartProblem(int ExitCode, string Message);

/// <summary>
/// What is checked before the consumer starts, so that a wrong setup ends at once with one clear line and a non-zero
/// exit code rather than a stack trace (or nothing at all): the settings, then whether the queue is there.
/// </summary>
public static class Preflight
{
    /// <summary>The settings that hold a secret: taken from configuration or the environment, never the command line.</summary>
    public static readonly IReadOnlyList<string> SecretSettings =
    [
        "Partner:Webhook:Secret",
        "Partner:Webhook:PreviousSecret",
        "Partner:ServiceBus:ConnectionString",
        "Partner:Storage:ConnectionString",
    ];

    /// <summary>The options this sample had before secrets left the command line, and the setting each one meant.</summary>
    private static readonly Dictionary<string, string> RetiredSwitches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--secret"] = "Partner:Webhook:Secret",
        ["--servicebus"] = "Partner:ServiceBus:ConnectionString",
        ["--storage"] = "Partner:Storage:ConnectionString",
    };

    /// <summary>The environment variable a setting is read from (<c>Partner:Webhook:Secret</c> → <c>Partner__Webhook__Secret</c>).</summary>
    public static string EnvironmentName(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>A secret on the command line (it would be in the shell's history and in every process list).</summary>
    public static StartProblem? SecretOnCommandLine(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            var key = arg.Split('=', 2)[0];
            if (RetiredSwitches.TryGetValue(key, out var retired))
            {
                return SecretProblem(retired);
            }

            var name = key.TrimStart('-', '/').Replace("__", ":", StringComparison.Ordinal);
            if (SecretSettings.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase)) is { } setting)
            {
                return SecretProblem(setting);
            }
        }

        return null;
    }

    private static StartProblem SecretProblem(string setting) => new(
        ExitCodes.Usage,
        $"{setting} is a secret and is not taken from the command line: set {EnvironmentName(setting)} in the environment, or run dotnet user-secrets set {setting} ... in samples/PartnerConsumer.");

    /// <summary>The settings the mode needs, present and well formed.</summary>
    public static StartProblem? Settings(string mode, PartnerOptions partner)
    {
        if (string.IsNullOrWhiteSpace(partner.Id))
        {
            return Missing("the partner id: --partner <id> (or Partner__Id), the id the hub registered");
        }

        foreach (var target in new object[] { partner, partner.ServiceBus, partner.Storage, partner.Webhook })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true))
            {
                return new StartProblem(ExitCodes.Configuration, $"Invalid setting: {string.Join(" ", results.Select(r => r.ErrorMessage))}");
            }
        }

        switch (mode)
        {
            case "queue" when string.IsNullOrWhiteSpace(partner.Storage.ConnectionString) && string.IsNullOrWhiteSpace(partner.Storage.QueueServiceUri):
                return Missing($"the storage connection: set {EnvironmentName("Partner:Storage:ConnectionString")} (or --queue-service-uri https://<account>.queue.core.windows.net for Entra ID)");
            case "servicebus" when string.IsNullOrWhiteSpace(partner.ServiceBus.ConnectionString) && string.IsNullOrWhiteSpace(partner.ServiceBus.FullyQualifiedNamespace):
                return Missing($"the Service Bus connection: set {EnvironmentName("Partner:ServiceBus:ConnectionString")} (or --namespace <name>.servicebus.windows.net for Entra ID)");
            case "webhook" when string.IsNullOrWhiteSpace(partner.Webhook.Secret):
                return Missing($"the signing secret: set {EnvironmentName("Partner:Webhook:Secret")} to the \"secret\" the hub answered when it registered the partner");
            case "webhook" when !IsSigningSecret(partner.Webhook.Secret!):
                return new StartProblem(ExitCodes.Configuration, "Partner:Webhook:Secret is not a signing secret (whsec_ and base64, as the hub answered it).");
            case "webhook" when partner.Webhook.PreviousSecret is { Length: > 0 } previous && !IsSigningSecret(previous):
                return new StartProblem(ExitCodes.Configuration, "Partner:Webhook:PreviousSecret is not a signing secret (whsec_ and base64, as the hub answered it).");
        }

        return null;
    }

    /// <summary>A storage client from the settings, or the line that says why there is none.</summary>
    public static (QueueServiceClient? Client, StartProblem? Problem) StorageClient(StorageSettings storage, QueueClientOptions options)
    {
        try
        {
            return storage.ConnectionString is { Length: > 0 } connection
                ? (new QueueServiceClient(connection, options), null)
                : (new QueueServiceClient(new Uri(storage.QueueServiceUri!), new DefaultAzureCredential(), options), null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return (null, new StartProblem(ExitCodes.Configuration, storage.ConnectionString is { Length: > 0 }
                ? "Partner:Storage:ConnectionString is not a storage connection string."
                : "Partner:Storage:QueueServiceUri is not an absolute https URI."));
        }
    }

    /// <summary>A Service Bus client from the settings, or the line that says why there is none.</summary>
    public static (ServiceBusClient? Client, StartProblem? Problem) ServiceBusClient(ServiceBusSettings serviceBus)
    {
        try
        {
            return serviceBus.ConnectionString is { Length: > 0 } connection
                ? (new ServiceBusClient(connection), null)
                : (new ServiceBusClient(serviceBus.FullyQualifiedNamespace, new DefaultAzureCredential()), null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return (null, new StartProblem(ExitCodes.Configuration, serviceBus.ConnectionString is { Length: > 0 }
                ? "Partner:ServiceBus:ConnectionString is not a Service Bus connection string."
                : "Partner:ServiceBus:FullyQualifiedNamespace is not a namespace host name."));
        }
    }

    /// <summary>Peeks at the storage queue (a consumer's own right): absent, unreachable or refused ends the start.</summary>
    public static async Task<StartProblem?> StorageQueueAsync(QueueServiceClient client, string queueName, CancellationToken cancellationToken)
    {
        var queue = client.GetQueueClient(queueName);
        var where = Where(client.Uri);
        try
        {
            await queue.PeekMessagesAsync(1, cancellationToken);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new StartProblem(ExitCodes.Unavailable, $"Storage queue {queueName} does not exist on {where}: is the partner registered with a \"queue\" channel (PUT /api/v1/admin/partners/{{id}}), and is this its storage account?");
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            return new StartProblem(ExitCodes.NoPermission, $"Storage queue {queueName} on {where} refused access ({e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}): check the connection string's key, or the identity's Storage Queue Data Message Processor role.");
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            return new StartProblem(ExitCodes.Unavailable, $"Cannot reach the storage queue service on {where}: {FirstLine(Cause(e))}");
        }
        catch (AuthenticationFailedException e)
        {
            return new StartProblem(ExitCodes.NoPermission, $"No Entra ID credential for {where}: {FirstLine(e.Message)}");
        }
    }

    /// <summary>Peeks at the Service Bus queue (needs only the Listen right): absent, unreachable or refused ends the start.</summary>
    public static async Task<StartProblem?> ServiceBusQueueAsync(ServiceBusClient client, string queueName, CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queueName);
        var where = client.FullyQualifiedNamespace;
        try
        {
            await receiver.PeekMessageAsync(cancellationToken: cancellationToken);
            return null;
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            return new StartProblem(ExitCodes.Unavailable, $"Service Bus queue {queueName} does not exist on {where}: is the partner registered with a \"servicebus\" channel (PUT /api/v1/admin/partners/{{id}}), and is this its namespace?");
        }
        catch (UnauthorizedAccessException)
        {
            return new StartProblem(ExitCodes.NoPermission, $"Service Bus queue {queueName} on {where} refused access: the connection string needs the Listen right, or the identity Azure Service Bus Data Receiver.");
        }
        catch (ServiceBusException e)
        {
            return new StartProblem(ExitCodes.Unavailable, $"Cannot reach Service Bus queue {queueName} on {where} ({e.Reason}).");
        }
        catch (AuthenticationFailedException e)
        {
            return new StartProblem(ExitCodes.NoPermission, $"No Entra ID credential for {where}: {FirstLine(e.Message)}");
        }
    }

    private static StartProblem Missing(string what) => new(ExitCodes.Configuration, $"Missing {what}.");

    /// <summary><c>whsec_</c> (optional) and base64 of at least 24 bytes, as the hub makes them.</summary>
    private static bool IsSigningSecret(string secret)
    {
        var base64 = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret;
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written >= 24;
    }

    /// <summary>An endpoint without its query (a SAS token) or user information.</summary>
    private static string Where(Uri uri) => $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath.TrimEnd('/')}";

    /// <summary>The innermost reason of the last try (the SDK retries and then wraps every try's failure).</summary>
    private static string Cause(Exception e) => (e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[^1] : e).GetBaseException().Message;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

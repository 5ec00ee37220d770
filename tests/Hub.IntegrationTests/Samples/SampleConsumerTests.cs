using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Delivery;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Samples;

/// <summary>
/// The sample consumer as a new partner runs it, from what the README and Hub.Local's banner tell: its own process
/// against Hub.Local on Azurite, one per channel (storage queue, Service Bus on the in-test broker, signed webhook), each
/// printing one line per update; and a setup that cannot work ending at once with one line and a non-zero exit code.
/// </summary>
public sealed class SampleConsumerTests(FanoutHubFixture hub) : IClassFixture<FanoutHubFixture>
{
    private const string EventType = "se.samverkan.update";

    private async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, object channel)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels = new[] { channel } }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    /// <summary>Posts one update of <paramref name="collaboration"/> with <paramref name="participant"/> taking part; returns its id.</summary>
    private async Task<string> PostAsync(string sourceId, string collaboration, string participant)
    {
        var source = await hub.RegisterSourceAsync(sourceId, "0182");
        var body = JsonSerializer.Serialize(new
        {
            externalId = "SAMPLE-" + collaboration,
            collaboration,
            kind = "decision",
            title = "Beslut om gemensam upphandling",
            area = "digitalisering",
            participants = new[] { participant },
            occurredAt = "2026-03-19T09:00:00+01:00",
        });
        using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }

    private async Task<string[]> BannerAsync()
    {
        using var writer = new StringWriter();
        await HubLocalHost.PrintBannerAsync(hub.App, writer);
        return writer.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static string DeliveryLine(string channel, string eventId, string collaboration) =>
        $"{channel}: event {eventId}, type {EventType}, collaboration {collaboration}, sequence 1: applied";

    [Fact]
    public async Task StorageQueue_WithTheConnectionStringFromTheBanner_PrintsOneLinePerUpdate()
    {
        await RegisterPartnerAsync("sample-queue", "0138", new { type = "queue" });

        // What the banner tells the partner: the connection string with Azurite's real ports, and the queue's name.
        var banner = await BannerAsync();
        Assert.Contains("  sample-queue: storage queue partner-sample-queue", banner);
        var export = Assert.Single(banner, l => l.StartsWith("  export Partner__Storage__ConnectionString='", StringComparison.Ordinal));
        var connectionString = export.Split('\'')[1];
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{hub.Azurite.QueuePort}/devstoreaccount1;", connectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("UseDevelopmentStorage", connectionString, StringComparison.Ordinal);
        Assert.DoesNotContain(banner, l => l.Contains(LocalHubFixture.AdminKey, StringComparison.Ordinal));

        await using var consumer = ConsumerProcess.Start(
            "storage-queue",
            new Dictionary<string, string> { ["Partner__Storage__ConnectionString"] = connectionString },
            "queue", "--partner", "sample-queue");
        await consumer.WaitForLineAsync(l => l.EndsWith("Listening on storage queue partner-sample-queue", StringComparison.Ordinal), "saying it listens");

        var id = await PostAsync("sample-queue-source", "sample-queue-collab", "0138");
        var line = await consumer.WaitForLineAsync(l => l.Contains(id, StringComparison.Ordinal), $"for update {id}");
        Assert.EndsWith(DeliveryLine("Storage queue partner-sample-queue", id, "sample-queue-collab"), line, StringComparison.Ordinal);
        Assert.StartsWith("info:", line.Split(' ', 2)[1], StringComparison.Ordinal);
        Assert.Single(consumer.Lines, l => l.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(AzuriteProcess.DevelopmentAccountKey, consumer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceBus_PrintsOneLinePerUpdate()
    {
        hub.Broker.CreateQueue("partner-sample-sb");
        await RegisterPartnerAsync("sample-sb", "0127", new { type = "servicebus" });
        Assert.Contains(await BannerAsync(), l => l.StartsWith("  sample-sb: Service Bus queue partner-sample-sb on ", StringComparison.Ordinal));

        await using var consumer = ConsumerProcess.Start(
            "service-bus",
            new Dictionary<string, string> { ["Partner__ServiceBus__ConnectionString"] = hub.Broker.ConnectionString },
            "servicebus", "--partner", "sample-sb");
        await consumer.WaitForLineAsync(l => l.EndsWith("Listening on Service Bus queue partner-sample-sb", StringComparison.Ordinal), "saying it listens");

        var id = await PostAsync("sample-sb-source", "sample-sb-collab", "0127");
        var line = await consumer.WaitForLineAsync(l => l.Contains(id, StringComparison.Ordinal), $"for update {id}");
        Assert.EndsWith(DeliveryLine("Service Bus queue partner-sample-sb", id, "sample-sb-collab"), line, StringComparison.Ordinal);
        Assert.Single(consumer.Lines, l => l.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain("SharedAccessKey", consumer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_WithTheSecretFromTheRegistration_PrintsOneVerifiedLinePerUpdate_AndNeverTheSecret()
    {
        var port = AzuriteProcess.FreePort();
        var registered = await RegisterPartnerAsync("sample-webhook", "0136", new { type = "webhook", url = $"http://127.0.0.1:{port}/webhooks/mellanrum" });
        // The README names this field: the signing secret, shown once.
        var secret = registered.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Contains($"  sample-webhook: webhook http://127.0.0.1:{port}/webhooks/mellanrum", await BannerAsync());

        await using var consumer = ConsumerProcess.Start(
            "webhook",
            new Dictionary<string, string> { ["Partner__Webhook__Secret"] = secret },
            "webhook", "--partner", "sample-webhook", "--urls", $"http://127.0.0.1:{port}");
        await consumer.WaitForLineAsync(l => l.Contains($"Now listening on: http://127.0.0.1:{port}", StringComparison.Ordinal), "saying it listens");

        var id = await PostAsync("sample-webhook-source", "sample-webhook-collab", "0136");
        var line = await consumer.WaitForLineAsync(l => l.Contains(id, StringComparison.Ordinal), $"for update {id}");
        Assert.EndsWith(DeliveryLine("Webhook delivery, signature verified", id, "sample-webhook-collab"), line, StringComparison.Ordinal);
        Assert.Single(consumer.Lines, l => l.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(secret["whsec_".Length..], consumer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageQueue_ThatDoesNotExist_ExitsWith69AndOneLine()
    {
        await using var consumer = ConsumerProcess.Start(
            "storage-queue-missing",
            new Dictionary<string, string> { ["Partner__Storage__ConnectionString"] = hub.Azurite.ConnectionString },
            "queue", "--partner", "sample-unregistered");

        Assert.Equal(69, await consumer.WaitForExitAsync());
        Assert.Equal(
            [$"Storage queue partner-sample-unregistered does not exist on http://127.0.0.1:{hub.Azurite.QueuePort}/devstoreaccount1: is the partner registered with a \"queue\" channel (PUT /api/v1/admin/partners/{{id}}), and is this its storage account?"],
            consumer.Lines.Where(l => l.Length > 0));
    }

    [Fact]
    public async Task ServiceBusQueue_ThatDoesNotExist_ExitsWith69AndOneLine()
    {
        await using var consumer = ConsumerProcess.Start(
            "service-bus-missing",
            new Dictionary<string, string> { ["Partner__ServiceBus__ConnectionString"] = hub.Broker.ConnectionString },
            "servicebus", "--partner", "sample-unregistered");

        Assert.Equal(69, await consumer.WaitForExitAsync());
        var line = Assert.Single(consumer.Lines, l => l.Length > 0);
        Assert.StartsWith("Service Bus queue partner-sample-unregistered does not exist on ", line, StringComparison.Ordinal);
        Assert.EndsWith(": is the partner registered with a \"servicebus\" channel (PUT /api/v1/admin/partners/{id}), and is this its namespace?", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageQueue_DeletedWhileRunning_ExitsWith69AndOneErrorLine()
    {
        await RegisterPartnerAsync("sample-queue-gone", "0140", new { type = "queue" });
        await using var consumer = ConsumerProcess.Start(
            "storage-queue-gone",
            new Dictionary<string, string> { ["Partner__Storage__ConnectionString"] = hub.Azurite.ConnectionString },
            "queue", "--partner", "sample-queue-gone");
        await consumer.WaitForLineAsync(l => l.EndsWith("Listening on storage queue partner-sample-queue-gone", StringComparison.Ordinal), "saying it listens");

        await new Azure.Storage.Queues.QueueClient(hub.Azurite.ConnectionString, "partner-sample-queue-gone").DeleteAsync();

        Assert.Equal(69, await consumer.WaitForExitAsync());
        Assert.Single(consumer.Lines, l => l.Contains(" fail: ", StringComparison.Ordinal) && l.EndsWith("] Storage queue partner-sample-queue-gone no longer exists (QueueNotFound); stopping", StringComparison.Ordinal));
        Assert.DoesNotContain(consumer.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    public static TheoryData<string, string[], int, string> Misconfigured => new()
    {
        {
            "no-secret", ["webhook", "--partner", "sample-webhook"], 78,
            "Missing the signing secret: set Partner__Webhook__Secret to the \"secret\" the hub answered when it registered the partner."
        },
        {
            "no-storage", ["queue", "--partner", "sample-queue"], 78,
            "Missing the storage connection: set Partner__Storage__ConnectionString (or --queue-service-uri https://<account>.queue.core.windows.net for Entra ID)."
        },
        {
            "no-servicebus", ["servicebus", "--partner", "sample-sb"], 78,
            "Missing the Service Bus connection: set Partner__ServiceBus__ConnectionString (or --namespace <name>.servicebus.windows.net for Entra ID)."
        },
        {
            "secret-on-command-line", ["webhook", "--partner", "sample-webhook", "--Partner:Webhook:Secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], 64,
            "Partner:Webhook:Secret is a secret and is not taken from the command line: set Partner__Webhook__Secret in the environment, or run dotnet user-secrets set Partner:Webhook:Secret ... in samples/PartnerConsumer."
        },
        {
            "connection-string-on-command-line", ["queue", "--partner", "sample-queue", "--Partner__Storage__ConnectionString", "UseDevelopmentStorage=true"], 64,
            "Partner:Storage:ConnectionString is a secret and is not taken from the command line: set Partner__Storage__ConnectionString in the environment, or run dotnet user-secrets set Partner:Storage:ConnectionString ... in samples/PartnerConsumer."
        },
    };

    [Theory]
    [MemberData(nameof(Misconfigured))]
    public async Task Misconfigured_ExitsNonZeroWithOneLine(string name, string[] args, int exitCode, string message)
    {
        await using var consumer = ConsumerProcess.Start("misconfigured-" + name, new Dictionary<string, string>(), args);

        Assert.Equal(exitCode, await consumer.WaitForExitAsync());
        Assert.Equal([message], consumer.Lines.Where(l => l.Length > 0));
    }
}

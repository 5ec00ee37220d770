using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azurite (in memory, free ports, from the repository's npm install) and Hub.Local serving the real function
/// classes on a free loopback port: the same HTTP path a municipal system takes.
/// </summary>
public class LocalHubFixture : IAsyncLifetime
{
    public const string AdminKey = "integration-admin-key-0123456789";

    public AzuriteProcess Azurite { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    /// <summary>A client whose every answer is checked against the OpenAPI document (<see cref="OpenApiValidatingHandler"/>).</summary>
    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Extra configuration for a test class's hub.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public virtual async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null);
        var port = AzuriteProcess.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        App = await HubLocalHost.BuildAsync(["--urls", BaseAddress.ToString().TrimEnd('/')], builder =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Hub:AdminKey"] = AdminKey,
                ["Hub:Ingest:RatePerSecond"] = "0",
                ["Hub:Smtp:OutboxPath"] = Path.Combine(Path.GetTempPath(), "mellanrum-outbox-" + Guid.NewGuid().ToString("N")),
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in Settings)
            {
                settings[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            Configure(builder);
        });
        await App.StartAsync();
        Client = OpenApiValidatingHandler.Client(BaseAddress);
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Registers a source and returns what the first answer holds: its secret and key.</summary>
    public async Task<RegisteredSource> RegisterSourceAsync(string sourceId, string organisation = "0182", object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["organisation"] = organisation, ["name"] = sourceId + " (test)" };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        using var response = await Client.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/sources/{sourceId}", body));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return new RegisteredSource(sourceId, json.GetProperty("secret").GetString()!, json.GetProperty("key").GetString()!);
    }

    public static HttpRequestMessage Signed(string sourceId, string secret, string body, string? webhookId = null, DateTimeOffset? at = null, string contentType = "application/json")
    {
        webhookId ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sources/{sourceId}/updates")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", SignatureVerifier.Sign(webhookId, timestamp, Encoding.UTF8.GetBytes(body), Credentials.SecretBytes(secret)));
        return request;
    }

    public static HttpRequestMessage WithKey(string sourceId, string key, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sources/{sourceId}/updates") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>Waits for something the hub does in the background (a queue, a timer), failing after <paramref name="timeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? what = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds} s waiting for {what ?? "the hub"}.");
            }

            await Task.Delay(100);
        }
    }
}

public sealed record RegisteredSource(string Id, string Secret, string Key);

/// <summary>A canonical update as a municipal system would send it.</summary>
public static class Payloads
{
    public static string Canonical(string? externalId = "KS-2026-0042", string collaboration = "e-arkiv-sodertorn", string kind = "decision", string occurredAt = "2026-03-19T09:00:00+01:00", string title = "Beslut om gemensam upphandling av e-arkiv") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["externalId"] = externalId,
            ["collaboration"] = collaboration,
            ["kind"] = kind,
            ["title"] = title,
            ["summary"] = "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen.",
            ["status"] = "active",
            ["area"] = "digitalisering",
            ["participants"] = new[] { "0136", "Tyresö kommun", "0127" },
            ["occurredAt"] = occurredAt,
            ["links"] = new[] { new { title = "Protokoll", url = "https://www.nacka.se/protokoll/ks-2026-03-19" } },
            ["tags"] = new[] { "e-arkiv", "upphandling" },
        });
}

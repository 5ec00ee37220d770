using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Azure.Data.Tables;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>
/// One Azurite that outlives several Hub.Local runs on it, and a data folder of their own (the key ring's key file):
/// for what must survive a restart of the hub with its real storage.
/// </summary>
internal sealed class RestartableHub : IAsyncDisposable
{
    private RestartableHub(AzuriteProcess azurite, string dataFolder)
    {
        Azurite = azurite;
        DataFolder = dataFolder;
    }

    public AzuriteProcess Azurite { get; }

    public string DataFolder { get; }

    public string KeyFile => Path.Combine(DataFolder, HubLocalHost.KeyFileName);

    public static async Task<RestartableHub> StartStorageAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mellanrum-keyring-" + Guid.NewGuid().ToString("N"));
        return new RestartableHub(await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null), folder);
    }

    /// <summary>Builds Hub.Local on this storage and data folder; <see cref="Run.StartAsync"/> starts it.</summary>
    public async Task<Run> BuildAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var app = await HubLocalHost.BuildAsync(["--urls", baseAddress.ToString().TrimEnd('/')], builder =>
        {
            var all = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Hub:AdminKey"] = LocalHubFixture.AdminKey,
                ["Hub:Ingest:RatePerSecond"] = "0",
                ["Local:DataFolder"] = DataFolder,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        return new Run(app, baseAddress);
    }

    /// <summary>The key ring as stored: one XML document per key, by key id.</summary>
    public async Task<IReadOnlyList<XElement>> StoredKeysAsync()
    {
        var table = new TableClient(Azurite.ConnectionString, "hub" + HubStorage.KeysTable);
        var keys = new List<XElement>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            keys.Add(XElement.Parse(row.GetString("Xml")));
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        await Azurite.DisposeAsync();
        if (Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    internal sealed class Run(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        private bool _started;

        public WebApplication App => app;

        public HttpClient Client { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

        public async Task<Run> StartAsync()
        {
            await app.StartAsync();
            _started = true;
            return this;
        }

        public async Task<RegisteredSource> RegisterSourceAsync(string sourceId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/admin/sources/{sourceId}")
            {
                Content = JsonContent.Create(new { organisation = "0182", name = sourceId + " (test)" }),
            };
            request.Headers.Authorization = new("Bearer", LocalHubFixture.AdminKey);
            using var response = await Client.SendAsync(request);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, json.ToString());
            return new RegisteredSource(sourceId, json.GetProperty("secret").GetString()!, json.GetProperty("key").GetString()!);
        }

        /// <summary>Posts a canonical update signed with the source's secret; the hub answers 202 only if it unprotects that secret.</summary>
        public async Task<HttpResponseMessage> PostSignedAsync(RegisteredSource source, string externalId) =>
            await Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical(externalId, "nyckelring-samverkan")));

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (_started)
            {
                await app.StopAsync();
            }

            await app.DisposeAsync();
        }
    }
}

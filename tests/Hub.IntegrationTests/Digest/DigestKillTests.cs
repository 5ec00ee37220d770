using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using MimeKit;
using netDumbster.smtp;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>
/// A worker killed mid-run: Hub.Local as its own process on an Azurite that outlives it, a month of two partners sent as
/// two jobs; one partner's email has left when the process is killed (SIGKILL) while the other job waits on the mail
/// server. A new process on the same storage finishes the run when the queue hands the killed job out again: each
/// recipient gets exactly one email, also after the month is sent once more.
/// </summary>
public sealed class DigestKillTests
{
    private const string AdminKey = "digest-kill-admin-key-0123456789abcdef";
    private static readonly Dictionary<string, string?> Settings = new() { ["Hub:AdminKey"] = AdminKey };

    [Fact]
    public async Task SendDigests_WorkerKilledMidRun_ARestartedWorkerFinishesItAndNobodyGetsTwo()
    {
        var month = DigestMonth.Containing(DateTimeOffset.UtcNow).Previous().Previous();
        await using var azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindRepositoryRoot(), dataFolder: null);
        var smtpPort = AzuriteProcess.FreePort();
        using var smtp = SimpleSmtpServer.Start(smtpPort);
        using var gate = SmtpGate.Start(smtpPort);
        var data = Directory.CreateTempSubdirectory("mellanrum-digest-kill-").FullName;
        string[] Args(int http) =>
        [
            "--urls", $"http://127.0.0.1:{http}", $"--Local:DataFolder={data}", $"--AzureWebJobsStorage={azurite.ConnectionString}",
            "--Hub:Smtp:Host=127.0.0.1", $"--Hub:Smtp:Port={gate.Port}", "--Hub:Smtp:StartTls=false", "--Hub:Smtp:From=Mellanrum <digest@mellanrum.example>",
            "--Hub:Digest:CutoffGrace=00:00:01", "--Hub:Digest:PartnersPerJob=1", "--Hub:Ingest:RatePerSecond=0",
            "--Local:QueueLease=00:01:00",
        ];

        static HttpClient ClientOf(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var port = AzuriteProcess.FreePort();
        var hub = await HubLocalProcess.StartAsync(Args(port), Settings);
        var client = ClientOf(port);
        try
        {
            var source = await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/sources/pitea-diarium", new { organisation = "2581", name = "Piteå diarium" });
            await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/partners/lulea", new { organisation = "2580", digest = new { recipients = new[] { "kansli@lulea.example" } } });
            await AdminAsync(client, HttpMethod.Put, "/api/v1/admin/partners/boden", new { organisation = "2582", digest = new { recipients = new[] { "registrator@boden.example" } } });
            await PostAsync(client, source.GetProperty("key").GetString()!, "PI-1", $"{month.Year:D4}-{month.Month:D2}-03 10:00", "Beslut om gemensam räddningstjänst");
            await PostAsync(client, source.GetProperty("key").GetString()!, "PI-2", $"{month.Year:D4}-{month.Month:D2}-17 14:00", "Lägesrapport om räddningstjänsten");

            // The first job's email goes through; the second job's connection is held before the server's greeting.
            gate.HoldFrom(2);
            var location = await SendAsync(client, month);
            await gate.Held.WaitAsync(TimeSpan.FromSeconds(90));
            await LocalHubFixture.EventuallyAsync(async () => await ProgressAsync(client, location) is { } p && p.GetProperty("sent").GetInt32() == 1 ? "one sent" : null, TimeSpan.FromSeconds(60), "the first partner's email");
            Assert.True(smtp.ReceivedEmail.Length == 1, string.Join(", ", Recipients(smtp)));

            hub.Kill();
            gate.Open();
            hub.Dispose();
            port = AzuriteProcess.FreePort();
            hub = await HubLocalProcess.StartAsync(Args(port), Settings);
            client.Dispose();
            client = ClientOf(port);

            // The killed job comes back when its message's lease ends: one minute here (Local:QueueLease; by default the
            // visibility timeout plus five minutes, longer than any function runs).
            var done = await LocalHubFixture.EventuallyAsync(
                async () => await ProgressAsync(client, location) is { } p && p.GetProperty("state").GetString() == "done" ? new Box(p) : null,
                TimeSpan.FromMinutes(8),
                "the run to be finished by the restarted worker");
            var progress = done.Value;
            Assert.True(progress.GetProperty("sent").GetInt32() == 2, $"{progress} to {string.Join(", ", Recipients(smtp))}");
            Assert.Equal(0, progress.GetProperty("uncertain").GetInt32());
            Assert.Equal(0, progress.GetProperty("partnersFailed").GetInt32());
            Assert.Equal(["kansli@lulea.example", "registrator@boden.example"], Recipients(smtp).Order());

            // Sent once more: nobody gets a second email.
            var again = await SendAsync(client, month);
            var second = await LocalHubFixture.EventuallyAsync(
                async () => await ProgressAsync(client, again) is { } p && p.GetProperty("state").GetString() == "done" && p.GetProperty("skipped").GetInt32() == 2 ? new Box(p) : null,
                TimeSpan.FromSeconds(90),
                "the second run");
            Assert.Equal(0, second.Value.GetProperty("sent").GetInt32());
            Assert.Equal(["kansli@lulea.example", "registrator@boden.example"], Recipients(smtp).Order());
            Assert.All(smtp.ReceivedEmail, m => Assert.Equal($"Mellanrum: månadsbrev {month.SwedishName}", MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))).Subject));
        }
        finally
        {
            client.Dispose();
            hub.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static string[] Recipients(SimpleSmtpServer smtp) =>
        smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))).To.Mailboxes.Single().Address).ToArray();

    private static async Task<string> SendAsync(HttpClient client, DigestMonth month)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.ToString();
    }

    /// <summary>The run's progress, once the route shows it.</summary>
    private static async Task<JsonElement?> ProgressAsync(HttpClient client, string location)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private static async Task<JsonElement> AdminAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    private static async Task PostAsync(HttpClient client, string key, string externalId, string occurredAt, string title)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["externalId"] = externalId,
            ["collaboration"] = "raddning-norrbotten",
            ["collaborationName"] = "Räddningstjänst i Norrbotten",
            ["kind"] = "beslut",
            ["title"] = title,
            ["participants"] = new[] { "2581", "2580", "2582" },
            ["occurredAt"] = occurredAt,
        });
        using var response = await client.SendAsync(LocalHubFixture.WithKey("pitea-diarium", key, body));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private sealed record Box(JsonElement Value);

    /// <summary>A loopback TCP relay to the SMTP server that can hold connections from the n-th on (nothing relayed) until opened.</summary>
    private sealed class SmtpGate : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly int _upstream;
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holdFrom = int.MaxValue;
        private int _connections;

        private SmtpGate(TcpListener listener, int upstream)
        {
            _listener = listener;
            _upstream = upstream;
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>Done once a connection is being held.</summary>
        public Task Held => _held.Task;

        public static SmtpGate Start(int upstream)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var gate = new SmtpGate(listener, upstream);
            _ = gate.AcceptAsync();
            return gate;
        }

        public void HoldFrom(int connection) => Volatile.Write(ref _holdFrom, connection);

        public void Open() => _open.TrySetResult();

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = RelayAsync(client, Interlocked.Increment(ref _connections));
            }
        }

        private async Task RelayAsync(TcpClient client, int number)
        {
            using (client)
            {
                try
                {
                    if (number >= Volatile.Read(ref _holdFrom) && !_open.Task.IsCompleted)
                    {
                        _held.TrySetResult();
                        // Held until opened or until the client is gone (killed): a held connection is never relayed.
                        var gone = WaitClosedAsync(client.GetStream(), _stop.Token);
                        await Task.WhenAny(_open.Task, gone);
                        return;
                    }

                    using var server = new TcpClient();
                    await server.ConnectAsync(IPAddress.Loopback, _upstream, _stop.Token);
                    var a = client.GetStream();
                    var b = server.GetStream();
                    await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // A connection that broke ends here.
                }
            }
        }

        private static async Task WaitClosedAsync(NetworkStream stream, CancellationToken cancellationToken)
        {
            var buffer = new byte[256];
            try
            {
                while (await stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Closed.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}

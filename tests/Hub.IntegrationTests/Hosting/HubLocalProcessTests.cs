using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>
/// The README's run command as a person uses it: Hub.Local as its own process, starting its own Azurite, serving a
/// signed POST that a GET returns normalised, and stopping with Ctrl-C (SIGINT) without leaving Azurite behind.
/// </summary>
public sealed class HubLocalProcessTests
{
    [Fact]
    public async Task HubLocal_StartsAzuriteItself_ServesASignedPost_AndCtrlCStopsEverything()
    {
        var data = Directory.CreateTempSubdirectory("mellanrum-local-").FullName;
        // Four different free ports: the system may hand the same one out again once its listener closed.
        var ports = new HashSet<int>();
        while (ports.Count < 4)
        {
            ports.Add(AzuriteProcess.FreePort());
        }

        var (http, blob, queue, table) = (ports.ElementAt(0), ports.ElementAt(1), ports.ElementAt(2), ports.ElementAt(3));
        var dll = typeof(HubLocalHost).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AzuriteProcess.FindRepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "--urls", $"http://127.0.0.1:{http}", $"--Local:DataFolder={data}",
                     $"--Local:Azurite:BlobPort={blob}", $"--Local:Azurite:QueuePort={queue}", $"--Local:Azurite:TablePort={table}",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("AzureWebJobsStorage");
        info.Environment.Remove("Hub__AdminKey");
        using var process = Process.Start(info)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                // The banner's last line: every line before it has been read.
                if (line.StartsWith("Press Ctrl-C to stop", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Its first start creates Azurite's folder and the key ring: on a busy two-core machine that can take a while.
            try
            {
                await listening.Task.WaitAsync(TimeSpan.FromSeconds(180));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException("Hub.Local printed no banner within 180 s:\n" + string.Join('\n', output), e);
            }

            Assert.Contains(output, l => l.Contains("curl", StringComparison.Ordinal));

            // The storage connection string a partner's consumer uses: Azurite's real ports, not UseDevelopmentStorage=true.
            Assert.Contains(
                $"  export Partner__Storage__ConnectionString='{AzuriteProcess.ConnectionStringFor(blob, queue, table)}'",
                output);
            Assert.Contains("Partners: none yet (register one as in README.md; the sample consumer is samples/PartnerConsumer).", output);

            // The banner's hint names the key file by its full path, so it works from whatever folder one runs it in.
            var hint = Assert.Single(output, l => l.Contains("/api/v1/admin/sources/", StringComparison.Ordinal) && l.Contains("Authorization: Bearer $(cat '", StringComparison.Ordinal));
            var keyFile = hint.Split("$(cat '")[1].Split("')")[0];
            Assert.True(Path.IsPathRooted(keyFile), hint);
            using var client = OpenApiValidatingHandler.Client(new Uri($"http://127.0.0.1:{http}"));
            var adminKey = (await File.ReadAllTextAsync(keyFile)).Trim();
            var register = new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/sources/nacka-diarium") { Content = JsonContent.Create(new { organisation = "0182", name = "Nacka diarium" }) };
            register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            var source = await (await client.SendAsync(register)).Content.ReadFromJsonAsync<JsonElement>();

            using var post = await client.SendAsync(LocalHubFixture.Signed("nacka-diarium", source.GetProperty("secret").GetString()!, Payloads.Canonical()));
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
            var update = await client.GetFromJsonAsync<JsonElement>(post.Headers.Location);
            Assert.Equal("2026-03-19T08:00:00Z", update.GetProperty("occurredAt").GetString());
            Assert.Equal("decision", update.GetProperty("kind").GetString());

            // Ctrl-C.
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            foreach (var port in new[] { blob, queue, table, http })
            {
                Assert.False(await IsListeningAsync(port), $"Something still listens on {port} after Ctrl-C.");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>A source's credentials as one host issued them (each host makes its own).</summary>
public sealed record SourceCredentials(string Secret, string Key);

/// <summary>
/// What the conformance tests share, made in both hosts with the same requests: a source (Nacka, queue ingest on), a
/// partner (Haninge, storage queue, digest by mail), and one signed update in a collaboration Haninge takes part in,
/// fanned out by each host (the worker's message handed to the worker, Hub.Local's taken by its own listener).
/// </summary>
public sealed record Scenario(
    string SourceId,
    IReadOnlyDictionary<Side, SourceCredentials> Credentials,
    string PartnerId,
    string Collaboration,
    string UpdateId,
    string Month)
{
    public const string Source = "conformance-source";
    public const string Partner = "conformance-partner";
    public const string CollaborationId = "conformance-samverkan";

    public const string Body = """
        {"externalId":"CONF-2026-0001","collaboration":"conformance-samverkan","kind":"beslut",
         "title":"Beslut om gemensam e-arkivtjänst för Södertörn","status":"pågår","area":"IT",
         "description":"Kommunerna upphandlar ett gemensamt e-arkiv.",
         "participants":["Haninge","0127","Tyresö kommun"],"occurredAt":"2026-03-19 09:00"}
        """;

    /// <summary>
    /// An update no partner takes: Botkyrka and Tyresö only (and the sender, Nacka). Every update but the scenario's and
    /// the fan-out case's is one of these, so the fan-out Hub.Local's listener runs by itself and the one the tests hand
    /// the worker can never make the two hosts' deliveries differ.
    /// </summary>
    public static string Unrouted(string externalId, string collaboration) =>
        $$"""{"externalId":"{{externalId}}","collaboration":"{{collaboration}}","kind":"beslut","title":"Beslut om gemensam upphandling av e-arkiv","status":"pågår","area":"IT","participants":["0127","Tyresö kommun"],"occurredAt":"2026-03-19 09:00"}""";

    /// <summary>Registers source <paramref name="sourceId"/> in both hosts; the answers agree but for the secret and key each host makes.</summary>
    public static async Task<IReadOnlyDictionary<Side, SourceCredentials>> RegisterSourceAsync(HostPair pair, string sourceId, string organisation = "0182", bool queueIngest = true)
    {
        var (worker, local) = await pair.HttpAsync("PutSource", HttpMethod.Put, $"/api/v1/admin/sources/{sourceId}", WorkerFixture.AdminKey, JsonSerializer.Serialize(new { organisation, name = "Konformans " + sourceId, queueIngest }));
        Assert.True(worker.Status is HttpStatusCode.Created or HttpStatusCode.OK, worker.Render());
        Assert.Equal(local.Masked("secret", "key", "secrets", "keys").Render(), worker.Masked("secret", "key", "secrets", "keys").Render());
        return new Dictionary<Side, SourceCredentials>
        {
            [Side.Worker] = Credentials(worker),
            [Side.Local] = Credentials(local),
        };

        static SourceCredentials Credentials(Answer answer) => new(answer.Json.GetProperty("secret").GetString()!, answer.Json.GetProperty("key").GetString()!);
    }

    /// <summary>Posts <paramref name="body"/> to both hosts, signed with each host's secret of the source; the same webhook id and time for both.</summary>
    public static Task<(Answer Worker, Answer Local)> PostSignedAsync(HostPair pair, string sourceId, IReadOnlyDictionary<Side, SourceCredentials> credentials, string body, string? webhookId = null, string contentType = "application/json")
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return pair.HttpAsync("PostUpdate", side => HostPair.Signed($"/api/v1/sources/{sourceId}/updates", credentials[side].Secret, body, id, timestamp, contentType));
    }

    internal static async Task<Scenario> CreateAsync(HostPair pair)
    {
        var credentials = await RegisterSourceAsync(pair, Source);

        var partner = JsonSerializer.Serialize(new { organisation = "0136", channels = new[] { new { type = "queue" } }, digest = new { recipients = new[] { "it@haninge.example" } } });
        var (partnerWorker, partnerLocal) = await pair.HttpAsync("PutPartner", HttpMethod.Put, $"/api/v1/admin/partners/{Partner}", WorkerFixture.AdminKey, partner);
        Assert.True(partnerWorker.Status is HttpStatusCode.Created or HttpStatusCode.OK, partnerWorker.Render());
        Assert.Equal(partnerLocal.Masked("secret", "webhookSecret", "key", "secrets", "keys").Render(), partnerWorker.Masked("secret", "webhookSecret", "key", "secrets", "keys").Render());

        var (posted, postedLocal) = await PostSignedAsync(pair, Source, credentials, Body);
        Assert.Equal(HttpStatusCode.Accepted, posted.Status);
        Assert.Equal(postedLocal.Render(), posted.Render());
        var updateId = posted.Json.GetProperty("id").GetString()!;

        // The worker's fan-out message, handed to the worker as the Functions host would; Hub.Local's listener takes its own.
        var fanout = pair.Queue(pair.Setting(Side.Worker, "HubFanoutQueue"));
        var queued = (await fanout.ReceiveMessagesAsync(maxMessages: 32)).Value.Single(m => m.MessageText.Contains(updateId, StringComparison.Ordinal));
        var result = await pair.WorkerQueueAsync("FanOut", queued.MessageText, queued.DequeueCount);
        Assert.True(result.Succeeded, result.ToString());
        await fanout.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        await Until.TrueAsync(
            async () =>
            {
                using var deliveries = await pair.LocalClient.SendAsync(HostPair.Request(HttpMethod.Get, $"/api/v1/admin/partners/{Partner}/deliveries", WorkerFixture.AdminKey));
                var items = (await Answer.ReadAsync(deliveries)).Json.GetProperty("items").EnumerateArray();
                return items.Any(d => d.GetProperty("updateId").GetString() == updateId && d.GetProperty("status").GetString() == "delivered");
            },
            TimeSpan.FromSeconds(30),
            $"Hub.Local to deliver {updateId} to {Partner}");

        using var read = await pair.LocalClient.SendAsync(HostPair.Request(HttpMethod.Get, $"/api/v1/updates/{updateId}"));
        var receivedAt = (await Answer.ReadAsync(read)).Json.GetProperty("receivedAt").GetDateTimeOffset();
        return new Scenario(Source, credentials, Partner, CollaborationId, updateId, receivedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }
}

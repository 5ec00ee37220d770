using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using netDumbster.smtp;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>A hub whose every log entry, every category and level from Trace up, is kept; webhooks to loopback; a real SMTP server.</summary>
public sealed class LogCapturingHubFixture : LocalHubFixture
{
    public CapturingLoggerProvider Logs { get; } = new();

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    private int _smtpPort;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Webhooks:AllowPrivateTargets"] = "true",
        ["Hub:Webhooks:Timeout"] = "00:00:05",
        ["Hub:Fanout:Grace"] = "00:00:00",
        ["Hub:Smtp:Host"] = "127.0.0.1",
        ["Hub:Smtp:Port"] = _smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Hub:Smtp:StartTls"] = "false",
        ["Hub:Smtp:From"] = "Mellanrum <digest@mellanrum.example>",
        // The month's rows are read this long after its cutoff (default a minute, for several writers).
        ["Hub:Digest:CutoffGrace"] = "00:00:01",
    };

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(Logs);
        // A rule of its own: every category, from Trace, whatever the host's configuration says for the others.
        builder.Logging.AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
    }

    public override async Task InitializeAsync()
    {
        _smtpPort = AzuriteProcess.FreePort();
        Smtp = SimpleSmtpServer.Start(_smtpPort);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
    }
}

/// <summary>
/// Nothing secret or personal in a log line: an end-to-end run (sources and a partner registered, updates signed and by
/// Bearer key carrying a marker, an e-mail address and a personnummer, credentials rotated and revoked, rejections read,
/// fan-out to a storage queue and a signed webhook, a digest sent over SMTP) with every log entry captured, then no entry
/// may hold a body's marker, a key, a secret, the admin key, the e-mail addresses or the personnummer in any form.
/// </summary>
public sealed class LogHygieneTests(LogCapturingHubFixture hub, ITestOutputHelper output) : IClassFixture<LogCapturingHubFixture>
{
    // A personnummer with a real date and a valid check digit (Skatteverket's test series), in each written form.
    private const string Personnummer = "19811218-9876";
    private static readonly string[] PersonnummerForms = ["19811218-9876", "198112189876", "811218-9876", "8112189876", "811218+9876", "19811218+9876"];

    private readonly string _marker = "LOGMARK" + Guid.NewGuid().ToString("N")[..16];
    private readonly string _email = $"log.hygiene.{Guid.NewGuid().ToString("N")[..8]}@haninge.example";
    private readonly string _recipient = $"digest.{Guid.NewGuid().ToString("N")[..8]}@haninge.example";

    [Fact]
    public async Task EndToEndRun_NoLogLineHoldsABodyAKeyASecretAnEmailOrAPersonnummer()
    {
        var secrets = new Dictionary<string, string> { ["the admin key"] = LocalHubFixture.AdminKey };
        var source = await hub.RegisterSourceAsync("logs-nacka", "0182");
        secrets["the source's key"] = source.Key;
        secrets["the source's secret"] = source.Secret;

        // The partner: a storage queue and a signed webhook to a receiver on loopback, a digest to one recipient.
        var placeholder = await PutPartnerAsync([new { type = "queue" }, new { type = "webhook", url = "https://example.se/placeholder" }]);
        secrets["the partner's key"] = placeholder.GetProperty("key").GetString()!;
        secrets["the partner's webhook secret"] = placeholder.GetProperty("webhookSecret").GetString()!;
        secrets["the partner's secret"] = placeholder.GetProperty("secret").GetString()!;
        await using var receiver = await WebhookReceiver.StartAsync(secrets["the partner's webhook secret"]);
        await PutPartnerAsync([new { type = "queue" }, new { type = "webhook", url = receiver.Url("/ok") }]);

        // Updates: signed and by Bearer key, each with the marker and an e-mail address.
        var stored = new List<string>
        {
            await AcceptedAsync(LocalHubFixture.Signed(source.Id, source.Secret, Update("LOG-1"))),
            await AcceptedAsync(LocalHubFixture.WithKey(source.Id, source.Key, Update("LOG-2"))),
        };

        // Refused, and kept as rejections with their bodies: a personnummer (in each form the guard refuses), unreadable JSON,
        // a wrong type, a content type the hub does not read.
        foreach (var (form, i) in new[] { Personnummer, "198112189876", "811218-9876", "811218+9876" }.Select((f, i) => (f, i)))
        {
            await RefusedAsync(LocalHubFixture.WithKey(source.Id, source.Key, Update($"LOG-PNR-{i}", summary: $"Handläggare {form}, {_email}, {_marker}")), HttpStatusCode.UnprocessableEntity);
        }

        await RefusedAsync(LocalHubFixture.WithKey(source.Id, source.Key, $"{{\"title\":\"{_marker} {_email}\","), HttpStatusCode.BadRequest);
        await RefusedAsync(LocalHubFixture.WithKey(source.Id, source.Key, Update("LOG-TYPE", summary: _marker).Replace("\"kind\":\"decision\"", "\"kind\":{\"x\":\"" + _email + "\"}", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity);
        await RefusedAsync(LocalHubFixture.WithKey(source.Id, source.Key, Update("LOG-TEXT"), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await RefusedAsync(LocalHubFixture.WithKey(source.Id, "mhk_" + _marker, Update("LOG-WRONG-KEY")), HttpStatusCode.Unauthorized);
        await RefusedAsync(LocalHubFixture.Signed(source.Id, secrets["the partner's webhook secret"], Update("LOG-WRONG-SECRET")), HttpStatusCode.Unauthorized);

        // The same, by the storage queue: a personnummer (kept under its source) and a message that is no envelope (kept
        // under _unattributed), both holding the marker and the e-mail address.
        var queueSource = await hub.RegisterSourceAsync("logs-queue", "0182", new { queueIngest = true });
        secrets["the queue source's key"] = queueSource.Key;
        secrets["the queue source's secret"] = queueSource.Secret;
        var inbound = hub.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient("inbound-updates");
        await inbound.SendMessageAsync(new JsonObject
        {
            ["sourceId"] = queueSource.Id,
            ["contentType"] = "application/json",
            ["body"] = JsonNode.Parse(Update("LOG-QUEUE-PNR", summary: $"{Personnummer} {_email} {_marker}")),
        }.ToJsonString());
        await inbound.SendMessageAsync($"not an envelope: {_marker} {_email} {Personnummer}");
        await LocalHubFixture.EventuallyAsync(
            async () => (await AdminJsonAsync(HttpMethod.Get, $"/api/v1/sources/{queueSource.Id}/rejections")).GetProperty("items").GetArrayLength() == 1
                && (await AdminJsonAsync(HttpMethod.Get, "/api/v1/sources/_unattributed/rejections")).GetProperty("items").GetArrayLength() == 1 ? "kept" : null,
            what: "both queue messages kept as rejections");

        // Every credential rotated; the source's first key revoked at once.
        var firstKeyId = (await AdminJsonAsync(HttpMethod.Put, $"/api/v1/admin/sources/{source.Id}", new { organisation = "0182", name = "logs-nacka (test)" })).GetProperty("keys")[0].GetProperty("id").GetString()!;
        secrets["the source's rotated secret"] = (await AdminJsonAsync(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/secrets")).GetProperty("secret").GetString()!;
        secrets["the source's rotated key"] = (await AdminJsonAsync(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/keys")).GetProperty("key").GetString()!;
        secrets["the partner's rotated secret"] = (await AdminJsonAsync(HttpMethod.Post, "/api/v1/admin/partners/logs-haninge/secrets")).GetProperty("secret").GetString()!;
        secrets["the partner's rotated key"] = (await AdminJsonAsync(HttpMethod.Post, "/api/v1/admin/partners/logs-haninge/keys")).GetProperty("key").GetString()!;
        await AdminJsonAsync(HttpMethod.Delete, $"/api/v1/admin/sources/{source.Id}/keys/{firstKeyId}");
        await RefusedAsync(LocalHubFixture.WithKey(source.Id, source.Key, Update("LOG-REVOKED")), HttpStatusCode.Unauthorized);

        // The new credentials at work, during the overlap (the webhook then carries two signatures).
        stored.Add(await AcceptedAsync(LocalHubFixture.Signed(source.Id, secrets["the source's rotated secret"], Update("LOG-3"))));
        stored.Add(await AcceptedAsync(LocalHubFixture.WithKey(source.Id, secrets["the source's rotated key"], Update("LOG-4"))));

        // The rejections, read with the source's new key and with the admin key.
        Assert.Equal(7, (await JsonAsync(WithBearer(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections", secrets["the source's rotated key"]))).GetProperty("items").GetArrayLength());
        await AdminJsonAsync(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections");

        // Fan-out: every stored update on the partner's queue and at its webhook, signed.
        var queue = hub.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient("partner-logs-haninge");
        await LocalHubFixture.EventuallyAsync(
            async () => (await queue.PeekMessagesAsync(32)).Value.Length >= stored.Count ? "all" : null, what: "every update on the partner's queue");
        await LocalHubFixture.EventuallyAsync(
            () => Task.FromResult(stored.All(id => receiver.Received.Any(r => r.WebhookId == id && r.SignatureValid)) ? "all" : null),
            what: "every update at the partner's webhook, signed");
        await LocalHubFixture.EventuallyAsync(
            async () => (await AdminJsonAsync(HttpMethod.Get, "/api/v1/admin/partners/logs-haninge/deliveries")).GetProperty("items").GetArrayLength() >= stored.Count * 2 ? "logged" : null,
            what: "the delivery log");

        // The month's digest, sent now, over SMTP to the recipient, and read by the partner with its new key.
        // The updates occurred in the latest ended month (a month that has not ended cannot be sent).
        var month = EndedMonth.ToString();
        using (var send = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send")))
        {
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        }

        await LocalHubFixture.EventuallyAsync(() => Task.FromResult(hub.Smtp.ReceivedEmailCount > 0 ? "sent" : null), TimeSpan.FromSeconds(90), "the digest e-mail");
        Assert.Contains(_recipient, hub.Smtp.ReceivedEmail.Single().ToAddresses.Select(a => a.Address));
        using (var digest = await hub.Client.SendAsync(WithBearer(HttpMethod.Get, $"/api/v1/partners/logs-haninge/digests/{month}", secrets["the partner's rotated key"])))
        {
            Assert.Equal(HttpStatusCode.OK, digest.StatusCode);
            Assert.Contains(_marker, await digest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // What the log must not hold, and where it did.
        (string Name, string Value)[] forbidden = [.. secrets.SelectMany(s => Forms(s.Key, s.Value))
            .Append(("a body's marker", _marker))
            .Append(("the e-mail address in a body", _email))
            .Append(("the digest recipient", _recipient))
            .Concat(PersonnummerForms.Select(f => ("the personnummer " + Mask(f), f)))];
        var entries = hub.Logs.Entries.ToArray();
        var leaks = entries
            .SelectMany(e => forbidden.Where(f => e.Text.Contains(f.Value, StringComparison.OrdinalIgnoreCase)).Select(f => $"{e.Level} {e.Category}[{e.EventId.Id}] holds {f.Name}: {Hide(e.Text, forbidden)}"))
            .Distinct()
            .ToArray();

        output.WriteLine($"{entries.Length} log entries in {entries.Select(e => e.Category).Distinct().Count()} categories; by level: {string.Join(", ", entries.GroupBy(e => e.Level).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        await File.WriteAllLinesAsync(Path.Combine(TestOutput.Folder("hostile"), "log-hygiene.txt"), entries.Select(e => $"{e.Level} {e.Category}[{e.EventId.Id}]: {Hide(e.Text, forbidden)}"));
        Assert.True(leaks.Length == 0, $"{leaks.Length} log entries hold what no log may:\n" + string.Join('\n', leaks.Take(40)));

        // The run was logged, at every level, and the lines still say what happened: ids, counts, statuses.
        Assert.Contains(entries, e => e.Level == LogLevel.Trace);
        Assert.Contains(entries, e => e.Level == LogLevel.Debug);
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.All(stored, id => Assert.Contains(entries, e => e.Message.Contains(id, StringComparison.Ordinal)));
        Assert.Contains(entries, e => e.Message.Contains("logs-nacka", StringComparison.Ordinal) && e.Message.Contains("422", StringComparison.Ordinal));
    }

    /// <summary>A credential as it could appear: whole, and without its <c>whsec_</c> or <c>mhk_</c> prefix.</summary>
    private static IEnumerable<(string Name, string Value)> Forms(string name, string value)
    {
        yield return (name, value);
        if (value.IndexOf('_') is var at and > 0 and < 8)
        {
            yield return (name + " (without its prefix)", value[(at + 1)..]);
        }
    }

    private static string Mask(string personnummer) => new(personnummer.Select(c => char.IsAsciiDigit(c) ? 'N' : c).ToArray());

    /// <summary>A log text with whatever it must not hold replaced by the name of that, so a failure shows where, not what.</summary>
    private static string Hide(string text, IEnumerable<(string Name, string Value)> forbidden)
    {
        foreach (var (name, value) in forbidden.OrderByDescending(f => f.Value.Length))
        {
            text = text.Replace(value, $"«{name}»", StringComparison.OrdinalIgnoreCase);
        }

        return text.Length > 600 ? text[..600] + "…" : text;
    }

    private static readonly Mellanrum.Hub.Digest.DigestMonth EndedMonth = Mellanrum.Hub.Digest.DigestMonth.Containing(DateTimeOffset.UtcNow).Previous();

    private string Update(string externalId, string? summary = null)
    {
        var update = JsonNode.Parse(Payloads.Canonical(externalId, collaboration: "logs-samverkan", title: $"Beslut {_marker}"))!.AsObject();
        update["summary"] = summary ?? $"Frågor till {_email}. {_marker}";
        update["participants"] = new JsonArray("0136");
        update["occurredAt"] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EndedMonth.Year:D4}-{EndedMonth.Month:D2}-10 10:00");
        return update.ToJsonString();
    }

    private async Task<JsonElement> PutPartnerAsync(object[] channels) =>
        await AdminJsonAsync(HttpMethod.Put, "/api/v1/admin/partners/logs-haninge", new { organisation = "0136", channels, digest = new { recipients = new[] { _recipient } } });

    private async Task<string> AcceptedAsync(HttpRequestMessage request)
    {
        using var response = await hub.Client.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }

    private async Task RefusedAsync(HttpRequestMessage request, HttpStatusCode status)
    {
        using var response = await hub.Client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
    }

    private static HttpRequestMessage WithBearer(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private Task<JsonElement> AdminJsonAsync(HttpMethod method, string path, object? body = null) => JsonAsync(hub.Admin(method, path, body));

    private async Task<JsonElement> JsonAsync(HttpRequestMessage request)
    {
        using var response = await hub.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

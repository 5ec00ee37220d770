using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using MimeKit;
using netDumbster.smtp;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>
/// Hub.Local on Azurite with a real SMTP server on loopback (netDumbster), seeded once through the real HTTP API:
/// a Nacka source posts this month's updates in a Södertörn collaboration; Haninge (two recipients) and Botkyrka
/// (one) take part in it, Luleå (one) does not. Updates are received on the real clock, so the month is the one the
/// updates were received in, read back from the hub.
/// </summary>
public sealed class DigestHubFixture : LocalHubFixture
{
    public const string PublicBaseUrl = "https://hub.example.se";
    public const string Collaboration = "e-arkiv-sodertorn";

    private readonly Lazy<Task<FirstSend>> _firstSend;

    public DigestHubFixture() => _firstSend = new(SendOnceAsync);

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    public int SmtpPort { get; private set; }

    /// <summary>The Stockholm month the seeded updates were received in.</summary>
    public DigestMonth Month { get; private set; }

    /// <summary>The partners' keys, shown once when they were registered.</summary>
    public IReadOnlyDictionary<string, string> PartnerKeys { get; private set; } = new Dictionary<string, string>();

    /// <summary>The first <c>POST /admin/digests/{month}/send</c> of the class, done once, and what the SMTP server had after it.</summary>
    public Task<FirstSend> FirstSendAsync() => _firstSend.Value;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:PublicBaseUrl"] = PublicBaseUrl,
        ["Hub:Smtp:Host"] = "127.0.0.1",
        ["Hub:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:Smtp:StartTls"] = "false",
        ["Hub:Smtp:From"] = "Mellanrum <digest@mellanrum.example>",
    };

    public override async Task InitializeAsync()
    {
        SmtpPort = AzuriteProcess.FreePort();
        Smtp = SimpleSmtpServer.Start(SmtpPort);
        await base.InitializeAsync();
        await SeedAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
    }

    public MimeMessage[] Received() =>
        Smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToArray();

    public HttpRequestMessage WithPartnerKey(HttpMethod method, string path, string partnerId)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PartnerKeys[partnerId]);
        return request;
    }

    public async Task<(HttpStatusCode Status, JsonElement Answer)> SendMonthAsync(string month)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send"));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task SeedAsync()
    {
        var source = await RegisterSourceAsync("nacka-arendesystem", "0182");
        var occurred = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        string? firstId = null;
        foreach (var (key, kind, title) in new[]
        {
            ("KS-1", "decision", "Beslut om gemensam upphandling av e-arkiv"),
            ("KS-2", "status-report", "Kravställningen för e-arkivet är klar"),
            ("KS-3", "meeting", "Styrgruppsmöte om e-arkivet i Haninge"),
        })
        {
            using var response = await Client.SendAsync(Signed(source.Id, source.Secret, Payloads.Canonical(key, Collaboration, kind, occurred, title)));
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
            firstId ??= answer.GetProperty("id").GetString();
        }

        var update = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/updates/{firstId}");
        Month = DigestMonth.Containing(update.GetProperty("receivedAt").GetDateTimeOffset());

        var keys = new Dictionary<string, string>();
        foreach (var (id, organisation, recipients) in new[]
        {
            ("haninge", "0136", new[] { "Åsa Öberg <asa.oberg@haninge.example>", "it@haninge.example" }),
            ("botkyrka", "0127", new[] { "Örjan Ärlig <orjan@botkyrka.example>" }),
            ("lulea", "2580", new[] { "kansli@lulea.example" }),
        })
        {
            using var response = await Client.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new
            {
                organisation,
                digest = new { recipients, language = "sv" },
            }));
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.Created, answer.ToString());
            keys[id] = answer.GetProperty("key").GetString()!;
        }

        PartnerKeys = keys;
    }

    private async Task<FirstSend> SendOnceAsync()
    {
        var (status, answer) = await SendMonthAsync(Month.ToString());
        return new FirstSend(status, answer, Received());
    }
}

public sealed record FirstSend(HttpStatusCode Status, JsonElement Answer, IReadOnlyList<MimeMessage> Messages);

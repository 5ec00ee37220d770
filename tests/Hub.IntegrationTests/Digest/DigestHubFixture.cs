using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using netDumbster.smtp;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>
/// Hub.Local on Azurite with a real SMTP server on loopback (netDumbster), seeded once through the real HTTP API, as a
/// new user tries it: a Nacka source posts today updates that occurred on the 14th and 20th two months back (in
/// December: October) in a Södertörn collaboration; Haninge (two recipients) and Botkyrka (one) take part in it, Luleå
/// (one) does not. The digest runs as jobs on the <c>digests</c> queue, which Hub.Local's poller runs.
/// </summary>
public class DigestHubFixture : LocalHubFixture
{
    public const string PublicBaseUrl = "https://hub.example.se";
    public const string Collaboration = "e-arkiv-sodertorn";

    private readonly Lazy<Task<FirstSend>> _firstSend;

    public DigestHubFixture() => _firstSend = new(SendOnceAsync);

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    public int SmtpPort { get; private set; }

    /// <summary>The month the seeded updates occurred in: two months before this one.</summary>
    public DigestMonth Month { get; } = DigestMonth.Containing(DateTimeOffset.UtcNow).Previous().Previous();

    /// <summary>The partners' keys, shown once when they were registered.</summary>
    public IReadOnlyDictionary<string, string> PartnerKeys { get; private set; } = new Dictionary<string, string>();

    /// <summary>The digest ledger of the hub, which can be told to die once between a send and its mark.</summary>
    public DyingLedger Ledger => (DyingLedger)App.Services.GetRequiredService<IDigestLedger>();

    /// <summary>The first <c>POST /admin/digests/{month}/send</c> of the class, done once and waited for, and what the SMTP server had then.</summary>
    public Task<FirstSend> FirstSendAsync() => _firstSend.Value;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:PublicBaseUrl"] = PublicBaseUrl,
        ["Hub:Smtp:Host"] = "127.0.0.1",
        ["Hub:Smtp:Port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Hub:Smtp:StartTls"] = "false",
        ["Hub:Smtp:From"] = "Mellanrum <digest@mellanrum.example>",
        ["Hub:Digest:CutoffGrace"] = "00:00:01",
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

    /// <summary>The emails of one month.</summary>
    public MimeMessage[] Received(DigestMonth month) => Received().Where(m => m.Subject?.EndsWith(month.SwedishName, StringComparison.Ordinal) == true).ToArray();

    public HttpRequestMessage WithPartnerKey(HttpMethod method, string path, string partnerId)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PartnerKeys[partnerId]);
        return request;
    }

    /// <summary><c>POST /api/v1/admin/digests/{month}/send</c>: the status, the Location and the body.</summary>
    public async Task<(HttpStatusCode Status, string? Location, JsonElement Answer)> SendMonthAsync(string month)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Post, $"/api/v1/admin/digests/{month}/send"));
        return (response.StatusCode, response.Headers.Location?.ToString(), await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Waits until the month's latest run (the one <paramref name="run"/> names) is done, and answers its progress.</summary>
    public async Task<JsonElement> DoneAsync(string location, string run)
    {
        var done = await EventuallyAsync(
            async () =>
            {
                using var response = await Client.SendAsync(Admin(HttpMethod.Get, location));
                var progress = await response.Content.ReadFromJsonAsync<JsonElement>();
                return response.StatusCode == HttpStatusCode.OK && progress.GetProperty("run").GetString() == run && progress.GetProperty("state").GetString() == "done"
                    ? new Box(progress)
                    : null;
            },
            TimeSpan.FromSeconds(90),
            $"digest run {run} to be done");
        return done.Value;
    }

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Host.UseServiceProviderFactory(new DyingLedgerFactory());

    /// <summary>Posts a canonical update as <paramref name="source"/>'s system would, and asserts it was stored.</summary>
    public async Task<string> PostAsync(RegisteredSource source, string body)
    {
        using var response = await Client.SendAsync(Signed(source.Id, source.Secret, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }

    /// <summary>Registers partners with digest recipients; answers their keys.</summary>
    public async Task<Dictionary<string, string>> RegisterPartnersAsync(params (string Id, string Organisation, string[] Recipients)[] partners)
    {
        var keys = new Dictionary<string, string>();
        foreach (var (id, organisation, recipients) in partners)
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

        return keys;
    }

    /// <summary>An instant in Stockholm time, written as the contract reads it.</summary>
    public static string Local(DigestMonth month, int day, int hour, int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{month.Year:D4}-{month.Month:D2}-{day:D2} {hour:D2}:{minute:D2}");

    protected virtual async Task SeedAsync()
    {
        var source = await RegisterSourceAsync("nacka-arendesystem", "0182");
        foreach (var (key, kind, occurred, title) in new[]
        {
            ("KS-1", "decision", Local(Month, 14, 9, 0), "Beslut om gemensam upphandling av e-arkiv"),
            ("KS-2", "status-report", Local(Month, 20, 10, 0), "Kravställningen för e-arkivet är klar"),
            ("KS-3", "meeting", Local(Month, 20, 13, 30), "Styrgruppsmöte om e-arkivet i Haninge"),
        })
        {
            await PostAsync(source, Payloads.Canonical(key, Collaboration, kind, occurred, title));
        }

        PartnerKeys = await RegisterPartnersAsync(
            ("haninge", "0136", ["Åsa Öberg <asa.oberg@haninge.example>", "it@haninge.example"]),
            ("botkyrka", "0127", ["Örjan Ärlig <orjan@botkyrka.example>"]),
            ("lulea", "2580", ["kansli@lulea.example"]));
    }

    private async Task<FirstSend> SendOnceAsync()
    {
        var (status, location, answer) = await SendMonthAsync(Month.ToString());
        Assert.True(status == HttpStatusCode.Accepted, answer.ToString());
        var progress = await DoneAsync(location!, answer.GetProperty("run").GetString()!);
        return new FirstSend(status, location, answer, progress, Received(Month));
    }

    private sealed record Box(JsonElement Value);
}

public sealed record FirstSend(HttpStatusCode Status, string? Location, JsonElement Answer, JsonElement Progress, IReadOnlyList<MimeMessage> Messages);

/// <summary>The hub's digest ledger, which can be told to die once between a send and its mark (a killed job).</summary>
public sealed class DyingLedger(IDigestLedger inner) : IDigestLedger
{
    private int _die;

    /// <summary>The next mark throws, as if the job's process died right after the email left.</summary>
    public void DieBeforeNextMark() => Interlocked.Exchange(ref _die, 1);

    public Task<bool> TryBeginAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken) =>
        inner.TryBeginAsync(partnerId, recipient, month, cancellationToken);

    public Task MarkSentAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _die, 0) == 1
            ? throw new InvalidOperationException("The digest job's process died after the email left.")
            : inner.MarkSentAsync(partnerId, recipient, month, cancellationToken);

    public Task ReleaseAsync(string partnerId, string recipient, DigestMonth month, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(partnerId, recipient, month, cancellationToken);

    public Task<DigestMonth?> LastCompletedMonthAsync(CancellationToken cancellationToken) => inner.LastCompletedMonthAsync(cancellationToken);

    public Task MarkMonthCompletedAsync(DigestMonth month, CancellationToken cancellationToken) => inner.MarkMonthCompletedAsync(month, cancellationToken);

    public Task<IReadOnlyDictionary<DigestMonth, DateTimeOffset>> FirstSendsAsync(CancellationToken cancellationToken) => inner.FirstSendsAsync(cancellationToken);
}

/// <summary>Builds the hub's services with its ledger wrapped in a <see cref="DyingLedger"/> (after the hub registered its own).</summary>
internal sealed class DyingLedgerFactory : IServiceProviderFactory<IServiceCollection>
{
    public IServiceCollection CreateBuilder(IServiceCollection services) => services;

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
    {
        containerBuilder.RemoveAll<IDigestLedger>();
        containerBuilder.AddSingleton<TableDigestLedger>();
        containerBuilder.AddSingleton<IDigestLedger>(sp => new DyingLedger(sp.GetRequiredService<TableDigestLedger>()));
        return containerBuilder.BuildServiceProvider();
    }
}

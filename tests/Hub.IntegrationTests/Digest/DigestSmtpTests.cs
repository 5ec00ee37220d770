using System.Net;
using System.Net.Sockets;
using System.Text;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Tests.Digest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;
using Polly;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>The digest's jobs and mailer against a real SMTP server on loopback (netDumbster, in process).</summary>
public sealed class DigestSmtpTests : IDisposable
{
    private readonly SimpleSmtpServer _server;
    private readonly int _port;
    private readonly InMemoryDigestLedger _ledger = new();

    public DigestSmtpTests()
    {
        _port = FreePort();
        _server = SimpleSmtpServer.Start(_port);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task RunAsync_RealSmtp_MultipartAlternativeWithSwedishSubjectAndNamesIntact()
    {
        await Hub(Mailer()).RunAsync(DigestSeed.March);

        var message = Received().Single(m => m.To.Mailboxes.Single().Address == "asa.oberg@nacka.example");
        Assert.Equal("Mellanrum: månadsbrev mars 2026", message.Subject);
        Assert.Equal("Åsa Öberg", message.To.Mailboxes.Single().Name);
        Assert.Equal("Mellanrums Hubb – Södertörn", message.From.Mailboxes.Single().Name);
        var body = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], body.OfType<TextPart>().Select(p => p.ContentType.MimeType));
        Assert.Contains("Beslut om gemensam upphandling av e-arkiv", message.TextBody);
        Assert.Contains("Kraven på &lt;e-arkivet&gt;", message.HtmlBody);
        var english = Received().Single(m => m.To.Mailboxes.Single().Address == "orjan@lulea.example");
        Assert.Equal("Örjan Ärlig", english.To.Mailboxes.Single().Name);
        Assert.Equal("Mellanrum: monthly digest March 2026", english.Subject);
    }

    [Fact]
    public async Task RunAsync_RunTwice_ExactlyOneEmailPerRecipient()
    {
        var hub = Hub(Mailer());
        await hub.RunAsync(DigestSeed.March);
        var second = await hub.RunAsync(DigestSeed.March);

        Assert.Equal(3, second.Skipped);

        Assert.Equal(
            ["asa.oberg@nacka.example", "it@nacka.example", "orjan@lulea.example"],
            Received().Select(m => m.To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task ProcessAsync_JobDiesAfterClaimingThenDeliveredAgain_ExactlyOneEmailPerRecipient()
    {
        _ledger.DieBeforeNextMark = true;

        var progress = await Hub(Mailer()).RunAsync(DigestSeed.March);

        Assert.Equal(3, _server.ReceivedEmailCount);
        Assert.Equal(3, Received().Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        Assert.Equal(3, progress.Sent + progress.Skipped);
    }

    [Fact]
    public async Task RunAsync_ServerDownEveryAttempt_ShownAsFailedAndTheNextRunSendsAll()
    {
        _server.Stop();
        var down = await Hub(Mailer()).RunAsync(DigestSeed.March);
        using var restarted = SimpleSmtpServer.Start(_port);

        var up = await Hub(Mailer()).RunAsync(DigestSeed.March);

        Assert.Equal(3, down.Failed);
        Assert.Equal(2, down.PartnersFailed);
        Assert.Equal(3, up.Sent);
        Assert.Equal(3, restarted.ReceivedEmailCount);
    }

    [Fact]
    public async Task RunAsync_NoSmtpHost_WritesEmlFilesToTheOutbox()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "mellanrum-outbox-" + Guid.NewGuid().ToString("N"));
        try
        {
            var mailer = new DigestMailer(Options.Create(new SmtpOptions { OutboxPath = outbox }), ResiliencePipeline.Empty, NullLogger<DigestMailer>.Instance);

            await Hub(mailer).RunAsync(DigestSeed.March);

            var files = Directory.GetFiles(outbox, "*.eml");
            Assert.Equal(3, files.Length);
            var message = await MimeMessage.LoadAsync(files.Single(f => File.ReadAllText(f).Contains("nacka-it", StringComparison.Ordinal) && File.ReadAllText(f).Contains("asa.oberg", StringComparison.Ordinal)));
            Assert.IsType<MultipartAlternative>(message.Body);
            Assert.Equal("Mellanrum: månadsbrev mars 2026", message.Subject);
            Assert.DoesNotContain(files, f => f.Contains('@', StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(outbox))
            {
                Directory.Delete(outbox, recursive: true);
            }
        }
    }

    private DigestMailer Mailer() => new(
        Options.Create(Smtp()),
        new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DigestMailException>(e => e.Failure == DigestMailFailure.Transient),
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromMilliseconds(10),
        }).Build(),
        NullLogger<DigestMailer>.Instance);

    private SmtpOptions Smtp() => new()
    {
        Host = "127.0.0.1",
        Port = _port,
        StartTls = false,
        From = "Mellanrums Hubb – Södertörn <digest@mellanrum.example>",
    };

    private DigestHarness Hub(IDigestMailer mailer) =>
        new(mailer, ledger: _ledger, time: new FakeTimeProvider(DateTimeOffset.Parse("2026-04-01T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), from: Smtp().From);

    private MimeMessage[] Received() =>
        _server.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToArray();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Mellanrum.Hub.Tests.Digest;

public sealed class DigestRunnerTests
{
    private readonly InMemoryDigestLedger _ledger = new();
    private readonly RecordingMailer _mailer = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-04-01T05:00:10Z"));

    private DigestRunner Runner() => new(
        DigestSeed.Source(),
        _ledger,
        _mailer,
        new DigestComposer(OrganisationRegistry.Shared),
        new DigestRenderer(Options.Create(new DigestOptions())),
        Options.Create(new SmtpOptions { From = "Mellanrum Hubb <digest@mellanrum.example>" }),
        _time,
        NullLogger<DigestRunner>.Instance);

    [Fact]
    public async Task RunAsync_SeededMonth_OneEmailPerRecipientOfNonEmptyDigests()
    {
        var result = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        Assert.Equal(["asa.oberg@nacka.example", "it@nacka.example", "orjan@lulea.example"], _mailer.Recipients.Order());
        Assert.Equal(3, result.Partners);
        Assert.Equal(2, result.Digests);
        Assert.Equal(3, result.Sent);
        Assert.All(_ledger.Claims.Values, Assert.True);
    }

    [Fact]
    public async Task RunAsync_Twice_SecondRunSendsNothing()
    {
        await Runner().RunAsync(DigestSeed.March, CancellationToken.None);
        var second = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        Assert.Equal(3, _mailer.Recipients.Count);
        Assert.Equal(0, second.Sent);
        Assert.Equal(3, second.AlreadySent);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterFirstSend_NextRunSendsOnlyTheRest()
    {
        using var cancellation = new CancellationTokenSource();
        _mailer.AfterSend = cancellation.Cancel;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner().RunAsync(DigestSeed.March, cancellation.Token));
        Assert.Single(_mailer.Recipients);
        _mailer.AfterSend = null;
        await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        Assert.Equal(3, _mailer.Recipients.Count);
        Assert.Equal(3, _mailer.Recipients.Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_ConnectionLostDuringSend_NeverSentAgain()
    {
        _mailer.FailNext = DigestMailFailure.Uncertain;

        var first = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);
        var second = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        Assert.Equal(1, first.Uncertain);
        Assert.Equal(2, _mailer.Recipients.Count);
        Assert.Equal(0, second.Sent);
        Assert.Contains(_ledger.Claims, c => !c.Value);
    }

    [Fact]
    public async Task RunAsync_ServerUnreachable_ClaimReleasedAndNextRunSends()
    {
        _mailer.FailNext = DigestMailFailure.Transient;

        var first = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);
        var second = await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        Assert.Equal(1, first.Retryable);
        Assert.Equal(1, second.Sent);
        Assert.Equal(3, _mailer.Recipients.Count);
    }

    [Fact]
    public async Task RunAsync_Message_IsMultipartAlternativeWithUtf8NamesAndDeterministicId()
    {
        await Runner().RunAsync(DigestSeed.March, CancellationToken.None);

        var message = _mailer.Messages.Single(m => m.To.Mailboxes.Single().Address == "asa.oberg@nacka.example");
        Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal("Åsa Öberg", message.To.Mailboxes.Single().Name);
        Assert.Equal("Mellanrum: månadsbrev mars 2026", message.Subject);
        Assert.StartsWith("digest.2026-03.nacka-it.", message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDueAsync_NotTheActingFiring_SendsNothing()
    {
        _time.SetUtcNow(DateTimeOffset.Parse("2026-04-01T06:00:10Z"));

        Assert.Empty(await Runner().RunDueAsync(CancellationToken.None));
        Assert.Empty(_mailer.Recipients);
    }

    [Fact]
    public async Task RunDueAsync_MonthsMissed_CatchesUpAndMovesTheMark()
    {
        var ledger = new InMemoryDigestLedger(new DigestMonth(2026, 1));
        var runner = new DigestRunner(
            DigestSeed.Source(), ledger, _mailer, new DigestComposer(OrganisationRegistry.Shared),
            new DigestRenderer(Options.Create(new DigestOptions())), Options.Create(new SmtpOptions()), _time, NullLogger<DigestRunner>.Instance);

        var results = await runner.RunDueAsync(CancellationToken.None);

        Assert.Equal(["2026-02", "2026-03"], results.Select(r => r.Month.ToString()));
        Assert.Equal(new DigestMonth(2026, 3), await ledger.LastCompletedMonthAsync(CancellationToken.None));
        Assert.Equal(5, _mailer.Recipients.Count); // February: Nacka's two recipients; March: all three
    }

    private sealed class RecordingMailer : IDigestMailer, IDigestMailSession
    {
        public List<MimeMessage> Messages { get; } = [];

        public List<string> Recipients => Messages.Select(m => m.To.Mailboxes.Single().Address).ToList();

        public Action? AfterSend { get; set; }

        public DigestMailFailure? FailNext { get; set; }

        public Task<IDigestMailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IDigestMailSession>(this);

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FailNext is { } failure)
            {
                FailNext = null;
                throw new DigestMailException(failure, "test");
            }

            Messages.Add(message);
            AfterSend?.Invoke();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using Mellanrum.Hub.Digest;
using MimeKit;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>The digest as jobs: a run queued, its month composed once, its partners' jobs, retries and the poison handler.</summary>
public sealed class DigestRunnerTests
{
    private readonly RecordingMailer _mailer = new();
    private readonly DigestHarness _hub;

    public DigestRunnerTests() => _hub = new DigestHarness(_mailer);

    [Fact]
    public async Task RunAsync_SeededMonth_OneEmailPerRecipientOfNonEmptyDigests()
    {
        var progress = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(["asa.oberg@nacka.example", "it@nacka.example", "orjan@lulea.example"], _mailer.Recipients.Order());
        Assert.Equal(DigestRun.Done, progress.State);
        Assert.Equal(3, progress.Partners);
        Assert.Equal(0, progress.Queued);
        Assert.Equal(2, progress.Digests);
        Assert.Equal(3, progress.Sent);
        Assert.Equal(10, progress.Updates);
        Assert.All(_hub.Ledger.Claims.Values, Assert.True);
    }

    [Fact]
    public async Task RunAsync_Twice_SecondRunSendsNothingAndSkipsEveryRecipient()
    {
        await _hub.RunAsync(DigestSeed.March);
        var second = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(3, _mailer.Recipients.Count);
        Assert.Equal(0, second.Sent);
        Assert.Equal(3, second.Skipped);
    }

    [Fact]
    public async Task RunAsync_Twice_ComposesTheMonthOnceAndKeepsItsCutoff()
    {
        var first = await _hub.RunAsync(DigestSeed.March);
        _hub.Time.Advance(TimeSpan.FromDays(3));
        var second = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(1, _hub.Runs.IndexWrites);
        Assert.Equal(first.Cutoff, second.Cutoff);
        Assert.Equal(1, _hub.Source.UpdateReads);
    }

    [Fact]
    public async Task StartAsync_MonthNotEnded_QueuesNothing()
    {
        Assert.Null(await _hub.Runner.StartAsync(new DigestMonth(2026, 4), "admin", CancellationToken.None));

        Assert.Equal(0, _hub.Jobs.Enqueued);
        Assert.Null(await _hub.Runner.ProgressAsync(new DigestMonth(2026, 4), CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_JobDiesAfterClaiming_RedeliveryNeverSendsTwice()
    {
        _hub.Ledger.DieBeforeNextMark = true;

        var progress = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(3, _mailer.Recipients.Count);
        Assert.Equal(3, _mailer.Recipients.Distinct().Count());
        Assert.Empty(_hub.Poisoned);
        Assert.Equal(3, progress.Sent + progress.Skipped);
        Assert.Equal(DigestRun.Done, progress.State);
    }

    [Fact]
    public async Task ProcessAsync_MonthJobDeliveredTwice_EveryRecipientOnce()
    {
        var run = (await _hub.Runner.StartAsync(DigestSeed.March, "timer", CancellationToken.None))!;
        await _hub.Jobs.EnqueueAsync(new DigestJob(DigestJob.MonthJob, run.Month, run.Id), null, CancellationToken.None);

        await _hub.DrainAsync();

        Assert.Equal(3, _mailer.Recipients.Count);
        Assert.Equal(3, (await _hub.Runner.ProgressAsync(DigestSeed.March, CancellationToken.None))!.Sent);
    }

    [Fact]
    public async Task RunAsync_ConnectionLostDuringSend_NeverSentAgain()
    {
        _mailer.FailNext = DigestMailFailure.Uncertain;

        var first = await _hub.RunAsync(DigestSeed.March);
        var second = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(1, first.Uncertain);
        Assert.Equal(2, _mailer.Recipients.Count);
        Assert.Equal(0, second.Sent);
        Assert.Contains(_hub.Ledger.Claims, c => !c.Value);
    }

    [Fact]
    public async Task RunAsync_ServerUnreachableOnce_ClaimReleasedAndALaterJobSends()
    {
        _mailer.FailNext = DigestMailFailure.Transient;

        var progress = await _hub.RunAsync(DigestSeed.March);

        Assert.Equal(3, progress.Sent);
        Assert.Equal(0, progress.Failed);
        Assert.Equal(3, _mailer.Recipients.Count);
    }

    [Fact]
    public async Task RunAsync_ServerUnreachableEveryAttempt_PartnersShownAsFailed()
    {
        _mailer.FailAlways = DigestMailFailure.Transient;

        var progress = await _hub.RunAsync(DigestSeed.March);

        Assert.Empty(_mailer.Recipients);
        Assert.Equal(2, progress.PartnersFailed);
        Assert.Equal(3, progress.Failed);
        Assert.Equal(DigestRun.Done, progress.State);
        Assert.Empty(_hub.Ledger.Claims);
    }

    [Fact]
    public async Task FailedAsync_MonthJobPoisoned_RunShownAsFailed()
    {
        var run = (await _hub.Runner.StartAsync(DigestSeed.March, "admin", CancellationToken.None))!;

        await _hub.Runner.FailedAsync(new DigestJob(DigestJob.MonthJob, run.Month, run.Id).ToJson(), CancellationToken.None);

        var progress = (await _hub.Runner.ProgressAsync(DigestSeed.March, CancellationToken.None))!;
        Assert.Equal(DigestRun.Failed, progress.State);
    }

    [Fact]
    public async Task FailedAsync_PartnersJobPoisoned_ItsUnfinishedPartnersShownAsFailed()
    {
        var run = (await _hub.Runner.StartAsync(DigestSeed.March, "admin", CancellationToken.None))!;

        await _hub.Runner.FailedAsync(new DigestJob(DigestJob.PartnersJob, run.Month, run.Id, ["nacka-it", "lulea"]).ToJson(), CancellationToken.None);

        Assert.Equal(2, (await _hub.Runner.ProgressAsync(DigestSeed.March, CancellationToken.None))!.PartnersFailed);
    }

    [Fact]
    public async Task RunAsync_Message_IsMultipartAlternativeWithUtf8NamesAndDeterministicId()
    {
        await _hub.RunAsync(DigestSeed.March);

        var message = _mailer.Messages.Single(m => m.To.Mailboxes.Single().Address == "asa.oberg@nacka.example");
        Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal("Åsa Öberg", message.To.Mailboxes.Single().Name);
        Assert.Equal("Mellanrum: månadsbrev mars 2026", message.Subject);
        Assert.StartsWith("digest.2026-03.nacka-it.", message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDueAsync_NotTheActingFiring_QueuesNothing()
    {
        _hub.Time.SetUtcNow(DateTimeOffset.Parse("2026-04-01T06:00:10Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Empty(await _hub.Runner.RunDueAsync(CancellationToken.None));
        Assert.Equal(0, _hub.Jobs.Enqueued);
    }

    [Fact]
    public async Task RunDueAsync_MonthsMissed_CatchesUpAsTheSameJobsAndMovesTheMark()
    {
        var hub = new DigestHarness(_mailer, ledger: new InMemoryDigestLedger(new DigestMonth(2026, 1)));

        var runs = await hub.Runner.RunDueAsync(CancellationToken.None);
        await hub.DrainAsync();

        Assert.Equal(["2026-02", "2026-03"], runs.Select(r => r.Month));
        Assert.All(runs, r => Assert.Equal("timer", r.By));
        Assert.Equal(new DigestMonth(2026, 3), await hub.Ledger.LastCompletedMonthAsync(CancellationToken.None));
        Assert.Equal(5, _mailer.Recipients.Count); // February: Nacka's two recipients; March: all three
    }

    [Fact]
    public async Task ProcessAsync_NotAJob_Dropped()
    {
        await _hub.Runner.ProcessAsync("{\"type\":\"nothing\"}", CancellationToken.None);

        Assert.Empty(_mailer.Recipients);
    }

    internal sealed class RecordingMailer : IDigestMailer, IDigestMailSession
    {
        private readonly Lock _lock = new();

        public List<MimeMessage> Messages { get; } = [];

        public List<string> Recipients
        {
            get
            {
                lock (_lock)
                {
                    return Messages.Select(m => m.To.Mailboxes.Single().Address).ToList();
                }
            }
        }

        public DigestMailFailure? FailNext { get; set; }

        public DigestMailFailure? FailAlways { get; set; }

        public Task<IDigestMailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IDigestMailSession>(this);

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FailAlways is { } always)
            {
                throw new DigestMailException(always, "test");
            }

            if (FailNext is { } failure)
            {
                FailNext = null;
                throw new DigestMailException(failure, "test");
            }

            lock (_lock)
            {
                Messages.Add(message);
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

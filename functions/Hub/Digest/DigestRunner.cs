using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Sends a month's digests as jobs on the <c>digests</c> queue, the same for the timer and the operator: a run is
/// queued (<see cref="StartAsync"/>); its month job composes the month's shared index once (<see cref="DigestMonths"/>)
/// and queues the partners in batches; each batch job composes and mails its partners' digests from that index. On
/// Azure the batches spread over as many instances as the queue asks for; on Hub.Local its queue poller runs them.
/// </summary>
/// <remarks>
/// Order per recipient, chosen so that no recipient ever gets two emails for one month, even if a job dies at any
/// point and its message is delivered again:
/// <list type="number">
/// <item><b>claim</b> (<see cref="IDigestLedger.TryBeginAsync"/>, a durable insert that only one caller wins);</item>
/// <item><b>send</b>;</item>
/// <item><b>mark sent</b> (<see cref="IDigestLedger.MarkSentAsync"/>).</item>
/// </list>
/// A claim that exists without "sent" means <i>maybe sent</i>: a job died (or the connection broke) between claim and
/// mark. It is never sent again, by a redelivered job or a re-run: the digest is at-most-once and such a recipient may
/// miss one month (the digest stays readable at <c>GET /api/v1/partners/{id}/digests/{yyyy-MM}</c>). The claim is given
/// back (<see cref="IDigestLedger.ReleaseAsync"/>) only when the email certainly did not leave: the server could not be
/// reached (the partner is tried again by a later job of the run), refused it, or the job was cancelled before the
/// message was handed over.
/// </remarks>
public sealed partial class DigestRunner(
    IDigestSource source,
    IDigestLedger ledger,
    IDigestMailer mailer,
    DigestComposer composer,
    DigestRenderer renderer,
    DigestMonths months,
    IDigestRunStore runs,
    IDigestJobQueue jobs,
    IOptions<DigestOptions> options,
    IOptions<SmtpOptions> smtp,
    TimeProvider time,
    ILogger<DigestRunner> logger)
{
    /// <summary>How often a partner whose mail server could not be reached is tried, and the waits between.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetryWaits = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    /// <summary>Whether a month has ended (its digest can be sent).</summary>
    public bool HasEnded(DigestMonth month) => time.GetUtcNow() >= month.Period.To;

    /// <summary>
    /// For the monthly timer: when this firing is the acting one (07:00 Stockholm on the 1st), starts a run of every
    /// month owed since the last one it started (at most <see cref="DigestSchedule.MaxCatchUpMonths"/>).
    /// </summary>
    public async Task<IReadOnlyList<DigestRun>> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!DigestSchedule.IsActingFiring(now))
        {
            LogNotActing(logger, now);
            return [];
        }

        var started = new List<DigestRun>();
        foreach (var month in DigestSchedule.MonthsOwed(await ledger.LastCompletedMonthAsync(cancellationToken), now))
        {
            if (await StartAsync(month, "timer", cancellationToken) is { } run)
            {
                started.Add(run);
                await ledger.MarkMonthCompletedAsync(month, cancellationToken);
            }
        }

        return started;
    }

    /// <summary>Queues a run of a month's digest; null when the month has not ended (nothing is queued).</summary>
    public async Task<DigestRun?> StartAsync(DigestMonth month, string by, CancellationToken cancellationToken)
    {
        if (!HasEnded(month))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var run = new DigestRun(month.ToString(), ReverseChronological.Key(now) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)), by, DigestRun.Queued, now);
        await runs.SaveRunAsync(run, cancellationToken);
        await jobs.EnqueueAsync(new DigestJob(DigestJob.MonthJob, run.Month, run.Id, TraceParent: CarriedTrace.Current.Parent), null, cancellationToken);
        LogQueued(logger, run.Month, run.Id, by);
        return run;
    }

    /// <summary>The latest run of a month, with what its jobs did so far (null when the month was never run).</summary>
    public async Task<DigestRunView?> ProgressAsync(DigestMonth month, CancellationToken cancellationToken) =>
        await runs.LatestRunAsync(month, cancellationToken) is { } run
            ? DigestRunView.Of(run, await runs.OutcomesAsync(month, run.Id, cancellationToken))
            : null;

    /// <summary>One message of the <c>digests</c> queue.</summary>
    public async Task ProcessAsync(string message, CancellationToken cancellationToken)
    {
        if (DigestJob.Parse(message) is not { } job)
        {
            LogInvalidJob(logger);
            return;
        }

        var month = DigestMonth.Parse(job.Month);

        // Each job a trace of its own.
        using var span = HubTracing.StartRoot(HubTracing.Digest);
        span?.SetTag(HubTracing.MonthTag, job.Month);
        HubTracing.Link(span, CarriedTrace.Parse(job.TraceParent, null));
        if (job.Type == DigestJob.MonthJob)
        {
            await ComposeAsync(job, month, cancellationToken);
        }
        else
        {
            await SendAsync(job, month, job.Partners ?? [], cancellationToken);
        }
    }

    /// <summary>A message that failed every attempt (from <c>digests-poison</c>): what it was for is shown as failed.</summary>
    public async Task FailedAsync(string message, CancellationToken cancellationToken)
    {
        if (DigestJob.Parse(message) is not { } job)
        {
            LogInvalidJob(logger);
            return;
        }

        var month = DigestMonth.Parse(job.Month);
        if (job.Type == DigestJob.MonthJob)
        {
            var run = await runs.GetRunAsync(month, job.Run, cancellationToken) ?? new DigestRun(job.Month, job.Run, "unknown", DigestRun.Queued, time.GetUtcNow());
            await runs.SaveRunAsync(run with { State = DigestRun.Failed, Error = "Composing the month failed every attempt." }, cancellationToken);
            LogJobFailed(logger, job.Month, job.Run, 0);
            return;
        }

        var failed = 0;
        foreach (var partnerId in job.Partners ?? [])
        {
            var outcome = await runs.GetOutcomeAsync(month, job.Run, partnerId, cancellationToken);
            if (outcome?.State == PartnerOutcome.Done)
            {
                continue;
            }

            failed++;
            await runs.SaveOutcomeAsync(month, job.Run, Failed(outcome, partnerId), cancellationToken);
        }

        LogJobFailed(logger, job.Month, job.Run, failed);
    }

    private async Task ComposeAsync(DigestJob job, DigestMonth month, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(month, job.Run, cancellationToken) ?? new DigestRun(job.Month, job.Run, "unknown", DigestRun.Queued, time.GetUtcNow());
        if (run.State != DigestRun.Sending)
        {
            await runs.SaveRunAsync(run with { State = DigestRun.Composing }, cancellationToken);
        }

        var snapshot = await months.EnsureIndexAsync(month, cancellationToken);
        var partners = new List<string>();
        await foreach (var partner in source.PartnersAsync(cancellationToken))
        {
            if (partner.Digest is { Recipients.Count: > 0 })
            {
                partners.Add(partner.Id);
            }
        }

        // Saved before the batches are queued: a redelivered month job queues them all again (each batch is idempotent).
        await runs.SaveRunAsync(
            run with { State = DigestRun.Sending, Cutoff = snapshot.Cutoff, Updates = snapshot.UpdateCount, Late = snapshot.LateCount, Partners = partners.Count },
            cancellationToken);
        var batches = partners.Chunk(options.Value.PartnersPerJob).ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (batch, token) =>
            await jobs.EnqueueAsync(new DigestJob(DigestJob.PartnersJob, job.Month, job.Run, batch, TraceParent: job.TraceParent), null, token));
        LogFannedOut(logger, job.Month, job.Run, snapshot.UpdateCount, snapshot.LateCount, partners.Count, batches.Length);
    }

    private async Task SendAsync(DigestJob job, DigestMonth month, IReadOnlyList<string> partnerIds, CancellationToken cancellationToken)
    {
        var index = await months.LoadAsync(month, cancellationToken);
        var from = MailboxAddress.Parse(smtp.Value.From);
        var retry = new List<string>();
        IDigestMailSession? session = null;
        try
        {
            foreach (var partnerId in partnerIds)
            {
                var previous = await runs.GetOutcomeAsync(month, job.Run, partnerId, cancellationToken);
                if (previous?.State is PartnerOutcome.Done or PartnerOutcome.Failed)
                {
                    // Done by an earlier delivery of this job.
                    continue;
                }

                var partner = await source.PartnerAsync(partnerId, cancellationToken);
                var recipients = new Dictionary<string, string>(previous?.Recipients ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                var rendered = partner?.Digest is { Recipients.Count: > 0 } && composer.Compose(index, partner) is { } digest ? renderer.Render(digest) : null;
                var transient = false;
                if (rendered is not null)
                {
                    foreach (var recipient in partner!.Digest!.Recipients)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!DigestMessage.TryParseMailbox(recipient, out var to))
                        {
                            recipients[Hash(recipient.Trim().ToLowerInvariant())] = RecipientOutcome.Invalid;
                            LogInvalidRecipient(logger, partner.Id);
                            HubMetrics.Digest("failed");
                            continue;
                        }

                        var key = DigestMessage.NormaliseRecipient(to);
                        var hash = Hash(key);
                        if (recipients.TryGetValue(hash, out var settled) && settled != RecipientOutcome.Failed)
                        {
                            continue;
                        }

                        session ??= await mailer.OpenAsync(cancellationToken);
                        try
                        {
                            // Connected before the claim: a job that dies waiting for the server has claimed nothing.
                            await session.ReadyAsync(cancellationToken);
                        }
                        catch (DigestMailException e) when (e.Failure is DigestMailFailure.Transient or DigestMailFailure.Rejected)
                        {
                            LogNotSent(logger, e, partner.Id, month.ToString(), e.Failure);
                            recipients[hash] = RecipientOutcome.Failed;
                            transient |= e.Failure == DigestMailFailure.Transient;
                            HubMetrics.Digest("failed");
                            continue;
                        }

                        var (outcome, unreachable) = await SendOneAsync(session, rendered, from, to, partner.Id, key, month, cancellationToken);
                        HubMetrics.Digest(outcome == RecipientOutcome.Sent ? "sent" : outcome == RecipientOutcome.Skipped ? "skipped" : "failed");
                        recipients[hash] = outcome;
                        transient |= unreachable;
                    }
                }

                var state = transient ? PartnerOutcome.Retrying : PartnerOutcome.Done;
                await runs.SaveOutcomeAsync(month, job.Run, new PartnerOutcome(partnerId, state, rendered is not null, recipients), cancellationToken);
                if (transient)
                {
                    retry.Add(partnerId);
                }
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }

        if (retry.Count == 0)
        {
            return;
        }

        if (job.Attempt <= RetryWaits.Count)
        {
            await jobs.EnqueueAsync(job with { Partners = retry, Attempt = job.Attempt + 1 }, RetryWaits[job.Attempt - 1], cancellationToken);
            LogRetrying(logger, job.Month, retry.Count, RetryWaits[job.Attempt - 1]);
            return;
        }

        foreach (var partnerId in retry)
        {
            await runs.SaveOutcomeAsync(month, job.Run, Failed(await runs.GetOutcomeAsync(month, job.Run, partnerId, cancellationToken), partnerId), cancellationToken);
        }

        LogJobFailed(logger, job.Month, job.Run, retry.Count);
    }

    /// <summary>Claim, send, mark sent: one recipient's email, at most once.</summary>
    private async Task<(string Outcome, bool Transient)> SendOneAsync(
        IDigestMailSession session, RenderedDigest rendered, MailboxAddress from, MailboxAddress to, string partnerId, string key, DigestMonth month, CancellationToken cancellationToken)
    {
        // 1. Claim. Whoever wins the claim is the only one who may ever send this email.
        if (!await ledger.TryBeginAsync(partnerId, key, month, cancellationToken))
        {
            return (RecipientOutcome.Skipped, false);
        }

        // 2. Send. From here on the claim is given back only if the email certainly did not leave.
        var message = DigestMessage.Create(rendered, from, to, partnerId, month, time.GetUtcNow());
        try
        {
            await session.SendAsync(message, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancelled before the message was handed over (the session reports a broken hand-over as uncertain).
            await ledger.ReleaseAsync(partnerId, key, month, CancellationToken.None);
            throw;
        }
        catch (DigestMailException e) when (e.Failure is DigestMailFailure.Transient or DigestMailFailure.Rejected)
        {
            await ledger.ReleaseAsync(partnerId, key, month, CancellationToken.None);
            LogNotSent(logger, e, partnerId, month.ToString(), e.Failure);
            return (RecipientOutcome.Failed, e.Failure == DigestMailFailure.Transient);
        }
        catch (Exception e)
        {
            // Maybe sent: keep the claim, so that no later job sends it again.
            LogUncertain(logger, e, partnerId, month.ToString());
            return (RecipientOutcome.Uncertain, false);
        }

        // 3. Mark sent. If the job dies just before this, the claim alone still blocks a second email.
        await ledger.MarkSentAsync(partnerId, key, month, CancellationToken.None);
        return (RecipientOutcome.Sent, false);
    }

    private static PartnerOutcome Failed(PartnerOutcome? outcome, string partnerId) =>
        new(
            partnerId,
            PartnerOutcome.Failed,
            outcome?.Digest ?? false,
            outcome?.Recipients ?? new Dictionary<string, string>());

    /// <summary>A recipient as progress keeps it: a short hash, never the address.</summary>
    private static string Hash(string recipient) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipient)))[..16];

    [LoggerMessage(LogLevel.Debug, "Digest timer fired at {FiredAt}, which is not 07:00 in Stockholm; nothing to do")]
    private static partial void LogNotActing(ILogger logger, DateTimeOffset firedAt);

    [LoggerMessage(LogLevel.Information, "Queued digest run {Run} of {Month} ({By})")]
    private static partial void LogQueued(ILogger logger, string month, string run, string by);

    [LoggerMessage(LogLevel.Information, "Digest run {Run} of {Month}: {Updates} updates, {Late} reported late; {Partners} partners queued in {Batches} jobs")]
    private static partial void LogFannedOut(ILogger logger, string month, string run, int updates, int late, int partners, int batches);

    [LoggerMessage(LogLevel.Warning, "A message on the digests queue holds no digest job; dropped")]
    private static partial void LogInvalidJob(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Partner {PartnerId} has a digest recipient that is not an email address")]
    private static partial void LogInvalidRecipient(ILogger logger, string partnerId);

    [LoggerMessage(LogLevel.Warning, "Digest for partner {PartnerId} and {Month} was not sent ({Failure})")]
    private static partial void LogNotSent(ILogger logger, Exception exception, string partnerId, string month, DigestMailFailure failure);

    [LoggerMessage(LogLevel.Warning, "Digest {Month}: {Partners} partner(s) could not be mailed; trying again in {Wait}")]
    private static partial void LogRetrying(ILogger logger, string month, int partners, TimeSpan wait);

    [LoggerMessage(LogLevel.Error, "Digest for partner {PartnerId} and {Month} may or may not have been sent; it will not be sent again")]
    private static partial void LogUncertain(ILogger logger, Exception exception, string partnerId, string month);

    [LoggerMessage(LogLevel.Error, "Digest run {Run} of {Month}: a job failed every attempt ({Partners} partner(s) shown as failed)")]
    private static partial void LogJobFailed(ILogger logger, string month, string run, int partners);
}

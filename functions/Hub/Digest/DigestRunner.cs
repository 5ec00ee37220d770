using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// Sends a month's digests: reads the month once (<see cref="DigestMonthIndex"/>), composes each partner's
/// digest from it, and mails each of the partner's recipients unless the ledger says that email was claimed.
/// </summary>
/// <remarks>
/// Order per recipient, chosen so that no recipient ever gets two emails for one month, even if the process
/// dies at any point:
/// <list type="number">
/// <item><b>claim</b> (<see cref="IDigestLedger.TryBeginAsync"/>, a durable insert that only one caller wins);</item>
/// <item><b>send</b>;</item>
/// <item><b>mark sent</b> (<see cref="IDigestLedger.MarkSentAsync"/>).</item>
/// </list>
/// A claim that exists without "sent" means <i>maybe sent</i>: the process died (or the connection broke)
/// between claim and mark. It is never sent again, automatically or by a re-run: the contract says never two
/// emails, so the digest is at-most-once and such a recipient may miss one month (logged as uncertain; the
/// digest stays readable at <c>GET /api/v1/partners/{id}/digests/{yyyy-MM}</c>). The claim is given back
/// (<see cref="IDigestLedger.ReleaseAsync"/>) only when the email certainly did not leave: the server could not
/// be reached, refused it, or the run was cancelled before the message was handed over.
/// </remarks>
public sealed partial class DigestRunner(
    IDigestSource source,
    IDigestLedger ledger,
    IDigestMailer mailer,
    DigestComposer composer,
    DigestRenderer renderer,
    IOptions<SmtpOptions> smtp,
    TimeProvider time,
    ILogger<DigestRunner> logger)
{
    /// <summary>
    /// For the monthly timer: when this firing is the acting one (07:00 Stockholm on the 1st), sends every month
    /// owed since the last completed one and moves that mark forward over months with nothing left to retry.
    /// </summary>
    public async Task<IReadOnlyList<DigestRunResult>> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!DigestSchedule.IsActingFiring(now))
        {
            LogNotActing(logger, now);
            return [];
        }

        var results = new List<DigestRunResult>();
        var contiguous = true;
        foreach (var month in DigestSchedule.MonthsOwed(await ledger.LastCompletedMonthAsync(cancellationToken), now))
        {
            var result = await RunAsync(month, cancellationToken);
            results.Add(result);
            contiguous &= result.Retryable == 0;
            if (contiguous)
            {
                await ledger.MarkMonthCompletedAsync(month, cancellationToken);
            }
        }

        return results;
    }

    /// <summary>Sends one month's digests (the timer, a catch-up or <c>POST /admin/digests/{yyyy-MM}/send</c>).</summary>
    public async Task<DigestRunResult> RunAsync(DigestMonth month, CancellationToken cancellationToken)
    {
        // A trace of its own, linked to the timer or the request that asked for it.
        using var span = HubTracing.StartRoot(HubTracing.Digest);
        span?.SetTag(HubTracing.MonthTag, month.ToString());
        var index = await DigestMonthIndex.BuildAsync(source, month, cancellationToken);
        LogMonthRead(logger, month.ToString(), index.UpdateCount);
        var from = MailboxAddress.Parse(smtp.Value.From);
        int partners = 0, digests = 0, sent = 0, already = 0, retryable = 0, rejected = 0, uncertain = 0, invalid = 0;

        await using var session = await mailer.OpenAsync(cancellationToken);
        await foreach (var composed in DigestPipeline.ComposeAllAsync(composer, renderer, index, source.PartnersAsync(cancellationToken), cancellationToken))
        {
            var partner = composed.Partner;
            var settings = partner.Digest!;
            partners++;
            if (composed.Rendered is not { } rendered)
            {
                continue;
            }

            digests++;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var recipient in settings.Recipients)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!DigestMessage.TryParseMailbox(recipient, out var to))
                {
                    invalid++;
                    LogInvalidRecipient(logger, partner.Id);
                    HubMetrics.Digest("failed");
                    continue;
                }

                var key = DigestMessage.NormaliseRecipient(to);
                if (!seen.Add(key))
                {
                    continue;
                }

                // 1. Claim. Whoever wins the claim is the only one who may ever send this email.
                if (!await ledger.TryBeginAsync(partner.Id, key, month, cancellationToken))
                {
                    already++;
                    HubMetrics.Digest("skipped");
                    continue;
                }

                // 2. Send. From here on the claim is given back only if the email certainly did not leave.
                var message = DigestMessage.Create(rendered, from, to, partner.Id, month, time.GetUtcNow());
                try
                {
                    await session.SendAsync(message, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled before the message was handed over (the session reports a broken hand-over as uncertain).
                    await ledger.ReleaseAsync(partner.Id, key, month, CancellationToken.None);
                    throw;
                }
                catch (DigestMailException e) when (e.Failure is DigestMailFailure.Transient or DigestMailFailure.Rejected)
                {
                    await ledger.ReleaseAsync(partner.Id, key, month, CancellationToken.None);
                    if (e.Failure == DigestMailFailure.Transient)
                    {
                        retryable++;
                    }
                    else
                    {
                        rejected++;
                    }

                    LogNotSent(logger, e, partner.Id, month.ToString(), e.Failure);
                    HubMetrics.Digest("failed");
                    continue;
                }
                catch (Exception e)
                {
                    // Maybe sent: keep the claim, so that no later run sends it again.
                    uncertain++;
                    LogUncertain(logger, e, partner.Id, month.ToString());
                    HubMetrics.Digest("failed");
                    continue;
                }

                // 3. Mark sent. If the process dies just before this, the claim alone still blocks a second email.
                await ledger.MarkSentAsync(partner.Id, key, month, CancellationToken.None);
                sent++;
                HubMetrics.Digest("sent");
            }
        }

        var result = new DigestRunResult(month, partners, digests, sent, already, retryable, rejected, uncertain, invalid);
        span?.SetTag("hub.digests.sent", sent).SetTag("hub.digests.skipped", already).SetTag("hub.digests.failed", retryable + rejected + uncertain);
        LogRun(logger, month.ToString(), partners, digests, sent, already, retryable + rejected, uncertain);
        return result;
    }

    [LoggerMessage(LogLevel.Debug, "Digest timer fired at {FiredAt}, which is not 07:00 in Stockholm; nothing to do")]
    private static partial void LogNotActing(ILogger logger, DateTimeOffset firedAt);

    [LoggerMessage(LogLevel.Information, "Read {UpdateCount} updates for the digest of {Month}")]
    private static partial void LogMonthRead(ILogger logger, string month, int updateCount);

    [LoggerMessage(LogLevel.Warning, "Partner {PartnerId} has a digest recipient that is not an email address")]
    private static partial void LogInvalidRecipient(ILogger logger, string partnerId);

    [LoggerMessage(LogLevel.Warning, "Digest for partner {PartnerId} and {Month} was not sent ({Failure}); a later run may send it")]
    private static partial void LogNotSent(ILogger logger, Exception exception, string partnerId, string month, DigestMailFailure failure);

    [LoggerMessage(LogLevel.Error, "Digest for partner {PartnerId} and {Month} may or may not have been sent; it will not be sent again")]
    private static partial void LogUncertain(ILogger logger, Exception exception, string partnerId, string month);

    [LoggerMessage(LogLevel.Information,
        "Digest {Month}: {Partners} partners, {Digests} digests, {Sent} emails sent, {AlreadySent} already sent, {Failed} not sent, {Uncertain} uncertain")]
    private static partial void LogRun(ILogger logger, string month, int partners, int digests, int sent, int alreadySent, int failed, int uncertain);
}

using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Partners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mellanrum.Hub.Portal;

/// <summary>What became of a request for a sign-in link, as the page answers it: never whether the address is known.</summary>
public enum LinkRequestAnswer
{
    /// <summary>Taken: a link goes out if the address is one of a partner's digest recipients (or goes nowhere).</summary>
    Taken,

    /// <summary>Too many requests for this address, or for all addresses, within the window.</summary>
    Limited,
}

/// <summary>
/// A new sign-in link asked for on the partner page by e-mail address: if the address is one of a partner's digest
/// recipients, a link (issued as the operator's are: single use, 24 hours, a hash kept) goes to it through the digest's
/// mailer (SMTP, or the outbox). The answer is the same whether the address is known or not, and the lookup, the link and
/// the mail happen after the answer, so neither its words nor its time tell. Limited per address (its hash) and for all
/// addresses together (<see cref="PortalOptions.LinkRequestsPerAddress"/>, <see cref="PortalOptions.LinkRequestsOverall"/>
/// per <see cref="PortalOptions.LinkRequestWindow"/>; per instance). No address is logged or audited.
/// </summary>
public sealed partial class PortalLinkRequests : IDisposable
{
    /// <summary>The audit log's actor for a request nobody signed in made.</summary>
    public static readonly Caller Anonymous = new Caller.PortalCaller("anonymous", string.Empty);

    /// <summary>A recipient of several partners gets one mail with a link for each, up to this many.</summary>
    public const int MaxPartnersPerMail = 5;

    private readonly PartnerStore _partners;
    private readonly PortalLinks _links;
    private readonly IDigestMailer _mailer;
    private readonly AuditLog _audit;
    private readonly IOptions<SmtpOptions> _smtp;
    private readonly TimeProvider _time;
    private readonly ILogger<PortalLinkRequests> _logger;
    private readonly string _baseUrl;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly RateLimiter _overall;
    private int _running;

    public PortalLinkRequests(
        PartnerStore partners,
        PortalLinks links,
        IDigestMailer mailer,
        AuditLog audit,
        IOptions<SmtpOptions> smtp,
        IOptions<PortalOptions> options,
        IOptions<DigestOptions> digest,
        TimeProvider time,
        ILogger<PortalLinkRequests> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(digest);
        _partners = partners;
        _links = links;
        _mailer = mailer;
        _audit = audit;
        _smtp = smtp;
        _time = time;
        _logger = logger;
        var settings = options.Value;

        // The hub's configured address, never the request's Host: a link mailed to someone must not be steerable by whoever asked.
        _baseUrl = (settings.BaseUrl is { Length: > 0 } own ? own : digest.Value.BaseUrl).TrimEnd('/');
        _perAddress = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(settings.LinkRequestsPerAddress, settings.LinkRequestWindow)));
        _overall = new FixedWindowRateLimiter(Window(settings.LinkRequestsOverall, settings.LinkRequestWindow));
    }

    /// <summary>How many requests are still being looked up or mailed (the answer went before them).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// Takes a request for <paramref name="address"/> (already checked to be one address): Limited past either limit,
    /// else Taken, with the lookup, the link and the mail started after it (recorded in the audit log as
    /// <c>portal:anonymous</c>, without the address).
    /// </summary>
    public LinkRequestAnswer Request(MailboxAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = DigestMessage.RecipientKey(address);

        // Per address first: one address asked for again and again does not use up everyone's allowance.
        using var forAddress = _perAddress.AttemptAcquire(key);
        if (!forAddress.IsAcquired)
        {
            LogLimited(_logger, "per address");
            return LinkRequestAnswer.Limited;
        }

        using var overall = _overall.AttemptAcquire();
        if (!overall.IsAcquired)
        {
            LogLimited(_logger, "overall");
            return LinkRequestAnswer.Limited;
        }

        Interlocked.Increment(ref _running);
        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await SendAsync(DigestMessage.NormaliseRecipient(address), timeout.Token);
            }
            catch (Exception e)
            {
                // Without the exception's text: an SMTP server's answer may repeat the address.
                LogFailed(_logger, e is DigestMailException mail ? mail.Failure.ToString() : e.GetType().Name);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        });
        return LinkRequestAnswer.Taken;
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _overall.Dispose();
    }

    private async Task SendAsync(string address, CancellationToken cancellationToken)
    {
        var found = new List<(Partner Partner, MailboxAddress To)>();
        foreach (var partner in await _partners.AllAsync(cancellationToken))
        {
            foreach (var recipient in partner.Digest?.Recipients ?? [])
            {
                if (DigestMessage.TryParseMailbox(recipient, out var mailbox) && DigestMessage.NormaliseRecipient(mailbox) == address)
                {
                    found.Add((partner, mailbox));
                    break;
                }
            }
        }

        if (found.Count == 0)
        {
            await _audit.RecordAsync(Anonymous, "portal.link.requested", "portal", "no partner has the address as a digest recipient", cancellationToken);
            return;
        }

        var issued = new List<(Partner Partner, IssuedPortalLink Link)>();
        foreach (var (partner, _) in found.OrderBy(f => f.Partner.Id, StringComparer.Ordinal).Take(MaxPartnersPerMail))
        {
            issued.Add((partner, await _links.IssueAsync(partner.Id, cancellationToken)));
        }

        var message = Message(found[0].To, issued);
        await using (var session = await _mailer.OpenAsync(cancellationToken))
        {
            await session.SendAsync(message, cancellationToken);
        }

        foreach (var (partner, link) in issued)
        {
            await _audit.RecordAsync(Anonymous, "partner.portal-link.mailed", partner.Id, link.LinkId, cancellationToken);
        }
    }

    private MimeMessage Message(MailboxAddress to, IReadOnlyList<(Partner Partner, IssuedPortalLink Link)> issued)
    {
        var english = issued.All(i => DigestLanguage.IsEnglish(i.Partner.Digest?.Language));
        var text = new StringBuilder();
        void Line(string value = "") => text.Append(value).Append("\r\n");
        var until = Stockholm.LocalOf(issued[0].Link.ExpiresAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        if (!english)
        {
            Line("Hej!");
            Line();
            Line("Någon (förhoppningsvis du) bad om en inloggningslänk till Mellanrums mottagarsida.");
            foreach (var (partner, link) in issued)
            {
                Line();
                Line($"Mottagaren {partner.Id}:");
                Line(Url(link));
            }

            Line();
            Line($"Länken fungerar en gång och gäller till {until} (svensk tid). Bad du inte om den kan du bortse från det här meddelandet.");
            Line();
            Line("--");
            Line();
        }

        Line("Hello,");
        Line();
        Line("Someone (hopefully you) asked for a sign-in link to Mellanrum's partner page.");
        foreach (var (partner, link) in issued)
        {
            Line();
            Line($"The partner {partner.Id}:");
            Line(Url(link));
        }

        Line();
        Line($"The link works once and is valid until {until} (Swedish time). If you did not ask for it, you can ignore this message.");

        var body = new TextPart("plain") { Text = text.ToString(), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        body.ContentType.Charset = "utf-8";
        var message = new MimeMessage
        {
            Subject = english ? "Mellanrum: your sign-in link to the partner page" : "Mellanrum: din inloggningslänk till mottagarsidan",
            Date = _time.GetUtcNow(),
            Body = body,
        };
        message.From.Add(MailboxAddress.Parse(_smtp.Value.From));
        message.To.Add(to);
        var domain = message.From.Mailboxes.FirstOrDefault()?.Domain is { Length: > 0 } d ? d : "mellanrum.local";
        message.MessageId = $"portal-link.{issued[0].Link.LinkId}@{domain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        return message;
    }

    private string Url(IssuedPortalLink link) => $"{_baseUrl}/portal/logga-in?token={Uri.EscapeDataString(link.Token)}";

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    [LoggerMessage(LogLevel.Warning, "A sign-in link request was refused: too many requests ({Limit})")]
    private static partial void LogLimited(ILogger logger, string limit);

    [LoggerMessage(LogLevel.Warning, "A requested sign-in link could not be sent ({Failure})")]
    private static partial void LogFailed(ILogger logger, string failure);
}

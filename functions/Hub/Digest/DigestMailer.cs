using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Mellanrum.Hub.Digest;

/// <summary>How a send failed: known not sent and worth retrying later, known not sent, or possibly sent.</summary>
public enum DigestMailFailure
{
    /// <summary>Not sent; the server was unreachable or answered 4xx. A later run may try again.</summary>
    Transient,

    /// <summary>Not sent; the server refused (5xx, authentication). Retrying now will not help.</summary>
    Rejected,

    /// <summary>The connection failed while the message was being handed over: it may have been delivered.</summary>
    Uncertain,
}

public sealed class DigestMailException(DigestMailFailure failure, string message, Exception? cause = null)
    : Exception(message + (cause is null ? string.Empty : $" ({Describe(cause)})"))
{
    public DigestMailFailure Failure { get; } = failure;

    /// <summary>
    /// What failed, without the server's text: SMTP servers repeat the recipient's address in their replies, and the
    /// hub logs no e-mail address. The cause's type and, for a refused command, its status and error code.
    /// </summary>
    public static string Describe(Exception cause) => cause switch
    {
        SmtpCommandException command => $"{nameof(SmtpCommandException)} {(int)command.StatusCode} {command.ErrorCode}",
        _ => cause.GetType().Name,
    };
}

/// <summary>Sends digest emails; one session per run so that one SMTP connection carries many messages.</summary>
public interface IDigestMailer
{
    Task<IDigestMailSession> OpenAsync(CancellationToken cancellationToken);
}

public interface IDigestMailSession : IAsyncDisposable
{
    /// <summary>
    /// Connects now when not connected, so that a recipient is claimed only once the server has answered: a worker that
    /// dies while waiting for the server has claimed nothing. Throws <see cref="DigestMailException"/> like a send would.
    /// </summary>
    Task ReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends one message or throws <see cref="DigestMailException"/> (or <see cref="OperationCanceledException"/> before anything was handed over).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// MailKit over SMTP (<c>Hub:Smtp</c>), with the <see cref="PipelineKey"/> retry on transient failures; without
/// a configured host each email is written to the outbox folder as an <c>.eml</c> file instead.
/// Only failures that leave the message certainly unsent are retried: a connection lost after the message
/// was handed to the server is <see cref="DigestMailFailure.Uncertain"/> and never retried (never two emails).
/// </summary>
public sealed partial class DigestMailer(IOptions<SmtpOptions> options, ResiliencePipeline pipeline, ILogger<DigestMailer> logger) : IDigestMailer
{
    public const string PipelineKey = "digest-smtp";

    /// <summary>The retry used in production: three more tries, exponential from two seconds, with jitter.</summary>
    public static void ConfigureRetry(ResiliencePipelineBuilder builder) =>
        builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DigestMailException>(e => e.Failure == DigestMailFailure.Transient),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromSeconds(2),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        });

    public Task<IDigestMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return Task.FromResult<IDigestMailSession>(string.IsNullOrWhiteSpace(settings.Host)
            ? new OutboxSession(Path.GetFullPath(settings.OutboxPath), logger)
            : new SmtpSession(settings, pipeline, logger));
    }

    private sealed class SmtpSession(SmtpOptions settings, ResiliencePipeline pipeline, ILogger logger) : IDigestMailSession
    {
        private SmtpClient? _client;

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
            await pipeline.ExecuteAsync(
                async ct =>
                {
                    var client = await ConnectedAsync(ct);
                    try
                    {
                        await client.SendAsync(message, ct);
                    }
                    catch (SmtpCommandException e)
                    {
                        // The server answered MAIL FROM, RCPT TO or DATA with an error: nothing was accepted.
                        await DropAsync();
                        throw new DigestMailException(IsTransient(e) ? DigestMailFailure.Transient : DigestMailFailure.Rejected, "The SMTP server refused the message.", e);
                    }
                    catch (Exception e) when (e is not DigestMailException)
                    {
                        await DropAsync();
                        throw new DigestMailException(DigestMailFailure.Uncertain, "The SMTP connection failed while sending; the message may have been delivered.", e);
                    }
                },
                cancellationToken);

        public async Task ReadyAsync(CancellationToken cancellationToken) =>
            await pipeline.ExecuteAsync(async ct => await ConnectedAsync(ct), cancellationToken);

        public async ValueTask DisposeAsync() => await DropAsync(quit: true);

        private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
        {
            if (_client is { IsConnected: true })
            {
                return _client;
            }

            await DropAsync();
            var client = new SmtpClient();
            try
            {
                var security = !settings.StartTls ? SecureSocketOptions.None
                    : settings.Port == 465 ? SecureSocketOptions.SslOnConnect
                    : SecureSocketOptions.StartTls;
                await client.ConnectAsync(settings.Host!, settings.Port, security, cancellationToken);
                if (!string.IsNullOrEmpty(settings.User))
                {
                    await client.AuthenticateAsync(settings.User, settings.Password ?? string.Empty, cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                client.Dispose();
                var failure = e switch
                {
                    AuthenticationException => DigestMailFailure.Rejected,
                    SmtpCommandException command => IsTransient(command) ? DigestMailFailure.Transient : DigestMailFailure.Rejected,
                    SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
                        or SslHandshakeException => DigestMailFailure.Transient,
                    _ => DigestMailFailure.Rejected,
                };
                // Without the exception: its text is the server's, which may repeat an address.
                logger.LogWarning("Could not connect to the SMTP server {Host}:{Port} ({Failure}: {Cause})", settings.Host, settings.Port, failure, DigestMailException.Describe(e));
                throw new DigestMailException(failure, "Could not connect to the SMTP server.", e);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            return _client = client;
        }

        private async Task DropAsync(bool quit = false)
        {
            if (_client is not { } client)
            {
                return;
            }

            _client = null;
            try
            {
                if (quit && client.IsConnected)
                {
                    await client.DisconnectAsync(true, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException)
            {
                // The messages were accepted already; a failed QUIT changes nothing.
            }
            finally
            {
                client.Dispose();
            }
        }

        private static bool IsTransient(SmtpCommandException e) => (int)e.StatusCode is >= 400 and < 500;
    }

    private sealed partial class OutboxSession(string folder, ILogger logger) : IDigestMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(folder);
            var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0].Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".eml";
            var path = Path.Combine(folder, name);
            var partial = path + ".partial";
            await using (var stream = File.Create(partial))
            {
                await message.WriteToAsync(stream, cancellationToken);
            }

            File.Move(partial, path, overwrite: false);
            LogWritten(logger, name);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        [LoggerMessage(LogLevel.Information, "Wrote digest email {FileName} to the outbox")]
        private static partial void LogWritten(ILogger logger, string fileName);
    }
}

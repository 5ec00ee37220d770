using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Ingest;

/// <summary>The credentials a request presented, as read from its headers.</summary>
public sealed record PresentedCredentials(string? BearerKey, string? WebhookId, string? WebhookTimestamp, string? WebhookSignature);

/// <summary>A source that proved who it is, and how: by Standard Webhooks signature (then only signed material may key it), or by its Bearer key.</summary>
public sealed record AuthenticatedSource(Source Source, bool Signed);

/// <summary>
/// Authenticates a source by Standard Webhooks signature or Bearer key. An unknown source and a wrong credential look the
/// same, and cost the same: an unknown source's credential is checked against a decoy (one secret unprotected and one
/// HMAC for a signature, one key comparison for a Bearer key), as a known source's is against its own.
/// </summary>
public sealed class SourceAuthenticator(
    SourceStore sources,
    SecretProtector protector,
    TimeProvider time,
    IOptions<IngestOptions> options,
    ILogger<SourceAuthenticator> logger)
{
    public async Task<AuthenticatedSource?> AuthenticateAsync(string sourceId, PresentedCredentials credentials, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        (await IdentifyAsync(sourceId, credentials, body, cancellationToken)).Authenticated;

    /// <summary>
    /// As <see cref="AuthenticateAsync"/>, and whether <paramref name="sourceId"/> names a registered source: for the
    /// hub's own metrics, which count a refusal under a registered source's id and never under a name a caller made up.
    /// The caller learns nothing more than before: the answer is the same 401 either way.
    /// </summary>
    internal async Task<(AuthenticatedSource? Authenticated, bool Registered)> IdentifyAsync(string sourceId, PresentedCredentials credentials, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var source = Ids.IsSlug(sourceId) ? await sources.GetAsync(sourceId, cancellationToken) : null;
        return (Check(source, sourceId, credentials, body), source is not null);
    }

    private AuthenticatedSource? Check(Source? source, string sourceId, PresentedCredentials credentials, ReadOnlyMemory<byte> body)
    {
        var now = time.GetUtcNow();
        if (credentials.WebhookSignature is not null)
        {
            var secrets = source is null
                ? [protector.Decoy]
                : source.ValidSecrets(now).Select(s => s.Stored);
            var failure = SignatureVerifier.Verify(
                credentials.WebhookId,
                credentials.WebhookTimestamp,
                credentials.WebhookSignature,
                body.Span,
                secrets.Select(s => Credentials.SecretBytes(protector.Unprotect(s))),
                now,
                options.Value.TimestampTolerance);
            if (failure == SignatureFailure.None && source is not null)
            {
                return new AuthenticatedSource(source, Signed: true);
            }

            logger.LogInformation("Refused a signature for source {SourceId}: {Failure}", Ids.Echo(sourceId), source is null ? "unknown source" : failure);
            return null;
        }

        if (credentials.BearerKey is { } key)
        {
            if (source is null)
            {
                Credentials.KeyMatches(key, Decoy);
            }
            else if (source.KeyFor(key, now) is not null)
            {
                return new AuthenticatedSource(source, Signed: false);
            }
        }

        logger.LogInformation("Refused a request without valid credentials for source {SourceId}", Ids.Echo(sourceId));
        return null;
    }

    /// <summary>A key hash no key has: what an unknown source's Bearer key is compared with.</summary>
    private static readonly string Decoy = new('0', 64);
}

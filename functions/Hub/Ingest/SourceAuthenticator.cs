using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Ingest;

/// <summary>The credentials a request presented, as read from its headers.</summary>
public sealed record PresentedCredentials(string? BearerKey, string? WebhookId, string? WebhookTimestamp, string? WebhookSignature);

/// <summary>Authenticates a source by Standard Webhooks signature or Bearer key. Unknown source and wrong key look the same.</summary>
public sealed class SourceAuthenticator(
    SourceStore sources,
    SecretProtector protector,
    TimeProvider time,
    IOptions<IngestOptions> options,
    ILogger<SourceAuthenticator> logger)
{
    public async Task<Source?> AuthenticateAsync(string sourceId, PresentedCredentials credentials, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!Ids.IsSlug(sourceId))
        {
            return null;
        }

        var source = await sources.GetAsync(sourceId, cancellationToken);
        if (source is null)
        {
            // Spend the same work as a real check, so timing does not tell which sources exist.
            Credentials.KeyMatches(credentials.BearerKey ?? string.Empty, new string('0', 64));
            logger.LogInformation("Refused a request for unknown source {SourceId}", sourceId);
            return null;
        }

        if (credentials.WebhookSignature is not null)
        {
            var now = time.GetUtcNow();
            var secrets = source.ValidSecrets(now).Select(s => Credentials.SecretBytes(protector.Unprotect(s.Stored)));
            var failure = SignatureVerifier.Verify(
                credentials.WebhookId, credentials.WebhookTimestamp, credentials.WebhookSignature, body.Span, secrets, now, options.Value.TimestampTolerance);
            if (failure == SignatureFailure.None)
            {
                return source;
            }

            logger.LogInformation("Refused a signature for source {SourceId}: {Failure}", sourceId, failure);
            return null;
        }

        if (credentials.BearerKey is { } key && source.KeyFor(key, time.GetUtcNow()) is not null)
        {
            return source;
        }

        logger.LogInformation("Refused a request without valid credentials for source {SourceId}", sourceId);
        return null;
    }
}

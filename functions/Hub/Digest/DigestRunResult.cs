namespace Mellanrum.Hub.Digest;

/// <summary>What one month's run did; <see cref="Retryable"/> counts emails a later run may still send.</summary>
public sealed record DigestRunResult(
    DigestMonth Month,
    int Partners,
    int Digests,
    int Sent,
    int AlreadySent,
    int Retryable,
    int Rejected,
    int Uncertain,
    int InvalidRecipients);

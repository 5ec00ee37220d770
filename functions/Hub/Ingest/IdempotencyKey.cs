namespace Mellanrum.Hub.Ingest;

/// <summary>The contract's idempotency key: the first present of externalId, CloudEvents id, webhook-id, Idempotency-Key.</summary>
public static class IdempotencyKey
{
    public static string? Select(string? externalId, string? cloudEventId, string? webhookId, string? idempotencyKeyHeader) =>
        new[] { externalId, cloudEventId, webhookId, idempotencyKeyHeader }.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k))?.Trim();
}

namespace Mellanrum.Hub.Ingest;

/// <summary>
/// A request to <c>POST /api/v1/sources/{sourceId}/updates</c> as the HTTP edge read it: the body (within the limit), its
/// content type, the credentials it presented and the headers ingest reads (<c>ce-*</c>, <c>webhook-id</c>,
/// <c>idempotency-key</c>, lower-cased).
/// </summary>
public sealed record IngestRequest(string SourceId, string? ContentType, PresentedCredentials Credentials, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body);

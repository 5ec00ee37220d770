namespace Mellanrum.Hub.Ingest;

/// <summary>
/// A request to <c>POST /api/v1/sources/{sourceId}/updates</c> as the HTTP edge read it: the body (within the limit), its
/// content type, the credentials it presented and the headers ingest reads (<c>ce-*</c>, <c>webhook-id</c>,
/// <c>idempotency-key</c>, lower-cased), and the W3C trace context the caller sent (<c>traceparent</c>, <c>tracestate</c>),
/// which ingest continues when the host has no span of its own for the request.
/// </summary>
public sealed record IngestRequest(string SourceId, string? ContentType, PresentedCredentials Credentials, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    public CarriedTrace Trace { get; init; }
}

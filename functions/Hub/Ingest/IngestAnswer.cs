namespace Mellanrum.Hub.Ingest;

/// <summary>The answer to an accepted post.</summary>
public sealed record IngestAnswer(string Id, string Status, bool? Duplicate);

using System.Text.Json;

namespace Mellanrum.Hub.Ingest;

/// <summary>The body of a message on the <c>inbound-updates</c> queue.</summary>
public sealed record InboundMessage(string? SourceId, string? ContentType, JsonElement? Body, IReadOnlyDictionary<string, string>? Headers);

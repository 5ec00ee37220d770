using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Ingest;

/// <summary>What became of one payload: stored (perhaps as a duplicate) or refused with a problem (and kept as a rejection).</summary>
public abstract record IngestOutcome
{
    public sealed record Stored(NormalisedUpdate Update, bool Duplicate) : IngestOutcome;

    public sealed record Refused(Problem Problem, Rejection? Rejection) : IngestOutcome;
}

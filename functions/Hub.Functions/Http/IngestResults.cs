using Mellanrum.Hub.Ingest;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>What an ingest outcome answers: 202 with <c>Location</c>, 200 duplicate (same id), or the problem.</summary>
public static class IngestResults
{
    public static IResult Of(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Stored { Duplicate: false } s => HubResults.Accepted($"/api/v1/updates/{s.Update.Id}", new IngestAnswer(s.Update.Id, "accepted", null)),
        IngestOutcome.Stored s => HubResults.Json(new IngestAnswer(s.Update.Id, "accepted", true)),
        IngestOutcome.Refused r => HubResults.Problem(r.Problem),
        _ => throw new InvalidOperationException($"Unknown ingest outcome {outcome.GetType().Name}."),
    };
}

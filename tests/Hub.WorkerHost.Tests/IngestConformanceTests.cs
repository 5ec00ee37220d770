using System.Net;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// <c>POST /api/v1/sources/{sourceId}/updates</c> through the worker and through Hub.Local, each answer compared whole:
/// status, every header but the framing ones (Location, Content-Type, WWW-Authenticate, ...) and the body. Each case has
/// a source of its own, registered in both hosts alike; the update id is derived from the source and the externalId,
/// so even the accepted answers agree byte for byte.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class IngestConformanceTests(WorkerFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases() => new()
    {
        { "signed", 202 },
        { "bearer key", 202 },
        { "duplicate", 200 },
        { "wrong signature", 401 },
        { "unknown source", 401 },
        { "too large", 413 },
        { "unsupported content type", 415 },
        { "not json", 400 },
        { "invalid fields", 422 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_AnswersThroughTheWorker_ExactlyAsThroughHubLocal(string @case, int status)
    {
        var pair = fixture.Pair;
        var sourceId = "conformance-ingest-" + @case.Replace(' ', '-');
        var credentials = await Scenario.RegisterSourceAsync(pair, sourceId);
        var path = $"/api/v1/sources/{sourceId}/updates";
        var body = Scenario.Unrouted("ING-" + sourceId.ToUpperInvariant(), "conformance-ingest");
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var (worker, local) = @case switch
        {
            "signed" => await Scenario.PostSignedAsync(pair, sourceId, credentials, body, webhookId),
            "bearer key" => await pair.HttpAsync("PostUpdate", side => HostPair.Request(HttpMethod.Post, path, credentials[side].Key, body)),
            "duplicate" => await DuplicateAsync(pair, sourceId, credentials, body),
            "wrong signature" => await pair.HttpAsync("PostUpdate", _ => HostPair.Signed(path, "whsec_" + Convert.ToBase64String(new byte[32]), body, webhookId, timestamp)),
            "unknown source" => await pair.HttpAsync("PostUpdate", side => HostPair.Signed("/api/v1/sources/conformance-nobody/updates", credentials[side].Secret, body, webhookId, timestamp)),
            "too large" => await Scenario.PostSignedAsync(pair, sourceId, credentials, Scenario.Unrouted("ING-LARGE", new string('a', 256 * 1024)), webhookId),
            "unsupported content type" => await Scenario.PostSignedAsync(pair, sourceId, credentials, "externalId=ING-TEXT", webhookId, "text/plain"),
            "not json" => await Scenario.PostSignedAsync(pair, sourceId, credentials, """{"externalId":"ING-BROKEN","title":""", webhookId),
            "invalid fields" => await Scenario.PostSignedAsync(pair, sourceId, credentials, """{"externalId":"ING-INVALID","collaboration":"Ej en slug!","kind":"beslut??","occurredAt":"igår"}""", webhookId),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };

        output.WriteLine($"worker:{Environment.NewLine}{worker.Render()}");
        Assert.Equal(status, (int)worker.Status);
        Assert.Equal(local.Render(), worker.Render());
        if (status == 202)
        {
            Assert.Equal("/api/v1/updates/" + worker.Json.GetProperty("id").GetString(), worker.Header("Location"));
        }
        else if (status >= 400)
        {
            Assert.Equal("application/problem+json", worker.MediaType);
            Assert.Equal(status, worker.Json.GetProperty("status").GetInt32());
        }
    }

    /// <summary>The same update twice (another webhook id, the same externalId): the second answers 200 duplicate with the first's id.</summary>
    private static async Task<(Answer Worker, Answer Local)> DuplicateAsync(HostPair pair, string sourceId, IReadOnlyDictionary<Side, SourceCredentials> credentials, string body)
    {
        var (first, firstLocal) = await Scenario.PostSignedAsync(pair, sourceId, credentials, body);
        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(firstLocal.Render(), first.Render());
        var (again, againLocal) = await Scenario.PostSignedAsync(pair, sourceId, credentials, body);
        Assert.Equal(first.Json.GetProperty("id").GetString(), again.Json.GetProperty("id").GetString());
        Assert.True(again.Json.GetProperty("duplicate").GetBoolean());
        return (again, againLocal);
    }
}

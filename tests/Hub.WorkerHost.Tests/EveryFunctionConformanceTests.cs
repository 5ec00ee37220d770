using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// One invocation of every function in <c>functions.metadata</c>, through the worker and through Hub.Local, on the
/// <see cref="HostPair"/> (both hosts always asked alike, so lists and digests agree too). HTTP answers are compared
/// whole after replacing only what each host must make for itself (secrets, keys, its clock, its rejection ids); queue
/// and timer functions must complete in both. A function without an invocation here fails its case. Each case prints
/// its row: function, invocation, result through the worker, Hub.Local the same.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class EveryFunctionConformanceTests(WorkerFixture fixture, ITestOutputHelper output)
{
    private const string Admin = WorkerFixture.AdminKey;

    /// <summary>What each host stamps or measures with its own clock.</summary>
    private static readonly string[] Clock = ["secrets", "keys", "credentialId", "previousValidUntil", "receivedAt", "since", "at", "firstAttemptAt", "nextAttemptAt", "retriedAt", "createdAt", "updatedAt", "previousSecretValidUntil", "latencyMs"];

    private static readonly Dictionary<string, Func<HostPair, Task<Row>>> Invocations = new(StringComparer.Ordinal)
    {
        ["GetHealth"] = pair => HttpAsync(pair, "GetHealth", HttpMethod.Get, "/api/v1/health"),
        ["GetApiInfo"] = pair => HttpAsync(pair, "GetApiInfo", HttpMethod.Get, "/api/v1/api-info"),
        ["GetOpenApi"] = pair => HttpAsync(pair, "GetOpenApi", HttpMethod.Get, "/api/v1/openapi"),
        ["GetOpenApiJson"] = pair => HttpAsync(pair, "GetOpenApiJson", HttpMethod.Get, "/api/v1/openapi.json"),
        ["PutSource"] = pair => HttpAsync(pair, "PutSource", HttpMethod.Put, "/api/v1/admin/sources/conformance-put-source", Admin, """{"organisation":"0180","name":"Stockholms diarium"}""", "secret", "key"),
        ["RotateSourceSecret"] = async pair =>
        {
            await Scenario.RegisterSourceAsync(pair, "conformance-rotate");
            return await HttpAsync(pair, "RotateSourceSecret", HttpMethod.Post, "/api/v1/admin/sources/conformance-rotate/secrets", Admin, null, "secret");
        },
        ["ListRejections"] = async pair =>
        {
            await RejectedAsync(pair, "conformance-rejections");
            return await HttpAsync(pair, "ListRejections", HttpMethod.Get, "/api/v1/sources/conformance-rejections/rejections", Admin, null, "id");
        },
        ["RetryRejection"] = async pair =>
        {
            var ids = await RejectedAsync(pair, "conformance-retry");
            var (worker, local) = await pair.HttpAsync("RetryRejection", side => HostPair.Request(HttpMethod.Post, $"/api/v1/sources/conformance-retry/rejections/{ids[side]}/retry", Admin));
            return Compare("POST /api/v1/sources/conformance-retry/rejections/{rejectionId}/retry", worker.Replaced(ids[Side.Worker], "{rejectionId}"), local.Replaced(ids[Side.Local], "{rejectionId}"));
        },
        ["GetUpdate"] = async pair => await HttpAsync(pair, "GetUpdate", HttpMethod.Get, $"/api/v1/updates/{(await pair.ScenarioAsync()).UpdateId}"),
        ["ListCollaborations"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "ListCollaborations", HttpMethod.Get, "/api/v1/collaborations");
        },
        ["GetCollaboration"] = async pair => await HttpAsync(pair, "GetCollaboration", HttpMethod.Get, $"/api/v1/collaborations/{(await pair.ScenarioAsync()).Collaboration}"),
        ["ListCollaborationUpdates"] = async pair => await HttpAsync(pair, "ListCollaborationUpdates", HttpMethod.Get, $"/api/v1/collaborations/{(await pair.ScenarioAsync()).Collaboration}/updates"),
        ["PutPartner"] = pair => HttpAsync(pair, "PutPartner", HttpMethod.Put, "/api/v1/admin/partners/conformance-put-partner", Admin, """{"organisation":"0180","channels":[{"type":"queue"}]}""", "secret", "webhookSecret", "key"),
        ["RotateSourceKey"] = async pair =>
        {
            await Scenario.RegisterSourceAsync(pair, "conformance-rotate-key");
            return await HttpAsync(pair, "RotateSourceKey", HttpMethod.Post, "/api/v1/admin/sources/conformance-rotate-key/keys", Admin, null, "key");
        },
        ["RevokeSourceCredential"] = async pair =>
        {
            // Credential ids differ between the hosts (each made its own); a revocation of one neither has answers alike.
            await Scenario.RegisterSourceAsync(pair, "conformance-revoke");
            return await HttpAsync(pair, "RevokeSourceCredential", HttpMethod.Delete, "/api/v1/admin/sources/conformance-revoke/keys/key_000000000000", Admin);
        },
        ["RotatePartnerSecret"] = async pair =>
            await HttpAsync(pair, "RotatePartnerSecret", HttpMethod.Post, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/secrets", Admin, null, "secret"),
        ["RotatePartnerKey"] = async pair =>
            await HttpAsync(pair, "RotatePartnerKey", HttpMethod.Post, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/keys", Admin, null, "key"),
        ["RevokePartnerCredential"] = async pair =>
            await HttpAsync(pair, "RevokePartnerCredential", HttpMethod.Delete, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/keys/key_000000000000", Admin),
        ["GetSource"] = async pair =>
        {
            await Scenario.RegisterSourceAsync(pair, "conformance-get-source");
            return await HttpAsync(pair, "GetSource", HttpMethod.Get, "/api/v1/admin/sources/conformance-get-source", Admin);
        },
        ["GetPartner"] = async pair => await HttpAsync(pair, "GetPartner", HttpMethod.Get, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}", Admin),
        ["ListAudit"] = pair => HttpAsync(pair, "ListAudit", HttpMethod.Get, "/api/v1/admin/audit?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", Admin),
        ["ListDeliveries"] = async pair => await HttpAsync(pair, "ListDeliveries", HttpMethod.Get, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/deliveries", Admin),
        ["ReplayDeliveries"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            var from = DateTimeOffset.ParseExact(scenario.Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return await HttpAsync(pair, "ReplayDeliveries", HttpMethod.Post, $"/api/v1/admin/partners/{scenario.PartnerId}/deliveries/replay?from={from:yyyy-MM-dd}T00:00:00Z&to={from.AddMonths(1):yyyy-MM-dd}T00:00:00Z", Admin);
        },
        ["GetPartnerDigest"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetPartnerDigest", HttpMethod.Get, $"/api/v1/partners/{scenario.PartnerId}/digests/{scenario.Month}?format=text", Admin);
        },
        ["SendDigests"] = async pair => await HttpAsync(pair, "SendDigests", HttpMethod.Post, $"/api/v1/admin/digests/{(await pair.ScenarioAsync()).Month}/send", Admin),
        ["GetDigestRun"] = pair => HttpAsync(pair, "GetDigestRun", HttpMethod.Get, "/api/v1/admin/digests/2025-01", Admin),
        ["RunDigestJob"] = pair => QueueAsync(pair, "RunDigestJob", """{"type":"month","month":"2026-02","run":"conformance-run"}""", "a month to compose (its partners' jobs queued)"),
        ["KeepFailedDigestJob"] = pair => QueueAsync(pair, "KeepFailedDigestJob", """{"type":"partners","month":"2026-02","run":"conformance-failed","partners":["conformance-partner"]}""", "a digest job that failed every attempt"),
        ["PostUpdate"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            var body = Scenario.Unrouted("CONF-2026-POST", "conformance-post");
            var (worker, local) = await Scenario.PostSignedAsync(pair, scenario.SourceId, scenario.Credentials, body);
            return Compare($"POST /api/v1/sources/{scenario.SourceId}/updates (signed)", worker, local);
        },
        ["FanOut"] = FanOutAsync,
        ["IngestQueuedUpdate"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            var body = Scenario.Unrouted("CONF-2026-QUEUE", "conformance-queue");
            var row = await QueueAsync(pair, "IngestQueuedUpdate", $$"""{"sourceId":"{{scenario.SourceId}}","contentType":"application/json","body":{{body}}}""", "an update for a source with queue ingest");
            var (worker, local) = await pair.HttpAsync("ListCollaborationUpdates", HttpMethod.Get, "/api/v1/collaborations/conformance-queue/updates");
            Assert.Single(worker.Json.GetProperty("items").EnumerateArray());
            Assert.Equal(local.Masked(Clock).Render(), worker.Masked(Clock).Render());
            return row with { Worker = row.Worker + "; stored, read back alike" };
        },
        ["KeepPoisonedUpdate"] = async pair =>
        {
            await Scenario.RegisterSourceAsync(pair, "conformance-poisoned");
            var row = await QueueAsync(pair, "KeepPoisonedUpdate", """{"sourceId":"conformance-poisoned","contentType":"application/json","body":{}}""", "a message that failed every attempt");
            var (worker, local) = await pair.HttpAsync("ListRejections", HttpMethod.Get, "/api/v1/sources/conformance-poisoned/rejections", Admin);
            Assert.Equal(500, Assert.Single(worker.Json.GetProperty("items").EnumerateArray()).GetProperty("status").GetInt32());
            Assert.Equal(local.Masked([.. Clock, "id"]).Render(), worker.Masked([.. Clock, "id"]).Render());
            return row with { Worker = row.Worker + "; kept as a 500 rejection alike" };
        },
        ["DeliverWebhook"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            return await QueueAsync(pair, "DeliverWebhook", $$"""{"partnerId":"{{scenario.PartnerId}}","updateId":"{{scenario.UpdateId}}","url":"https://example.invalid/hook","attempt":1,"body":"{}","firstAttemptAt":"2026-11-19T08:00:00Z"}""", "a delivery to a webhook the partner does not have");
        },
        ["KeepPoisonedDelivery"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            return await QueueAsync(pair, "KeepPoisonedDelivery", $$"""{"partnerId":"{{scenario.PartnerId}}","updateId":"{{scenario.UpdateId}}","url":"https://example.invalid/hook","attempt":5,"body":"{}","firstAttemptAt":"2026-11-19T08:00:00Z"}""", "a delivery that failed every attempt");
        },
        ["KeepPoisonedFanout"] = pair => QueueAsync(pair, "KeepPoisonedFanout", """{"updateId":"01jconformance0unknown0000"}""", "a poisoned fan-out of an update that is not stored"),
        ["PutCollaboration"] = async pair =>
        {
            var scenario = await pair.ScenarioAsync();
            return await HttpAsync(pair, "PutCollaboration", HttpMethod.Put, $"/api/v1/collaborations/{scenario.Collaboration}", Admin, """{"description":"Gemensamt för konformansen.","form":"projekt"}""");
        },
        ["AddCollaborationMember"] = async pair =>
            await HttpAsync(pair, "AddCollaborationMember", HttpMethod.Put, $"/api/v1/collaborations/{(await pair.ScenarioAsync()).Collaboration}/members/0125", Admin),
        ["RemoveCollaborationMember"] = async pair =>
            await HttpAsync(pair, "RemoveCollaborationMember", HttpMethod.Delete, $"/api/v1/collaborations/{(await pair.ScenarioAsync()).Collaboration}/members/0127", Admin),
        ["GetAsset"] = pair => HttpAsync(pair, "GetAsset", HttpMethod.Get, "/assets/hub.css"),
        ["GetAccessibilityStatement"] = pair => HttpAsync(pair, "GetAccessibilityStatement", HttpMethod.Get, "/tillganglighet?lang=en"),
        ["GetRegisterPage"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetRegisterPage", HttpMethod.Get, "/samverkan?area=digitalisering&lang=en");
        },
        ["GetCollaborationPage"] = async pair => await HttpAsync(pair, "GetCollaborationPage", HttpMethod.Get, $"/samverkan/{(await pair.ScenarioAsync()).Collaboration}"),
        ["GetOrganisationPage"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetOrganisationPage", HttpMethod.Get, "/organisationer/0136");
        },
        ["GetMapPage"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetMapPage", HttpMethod.Get, "/samverkanskartan");
        },
        ["GetRegister"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetRegister", HttpMethod.Get, "/api/v1/register?format=csv");
        },
        ["GetDcat"] = async pair =>
        {
            await pair.ScenarioAsync();
            return await HttpAsync(pair, "GetDcat", HttpMethod.Get, "/api/v1/dcat");
        },
        ["CreatePortalLink"] = async pair =>
            await HttpAsync(pair, "CreatePortalLink", HttpMethod.Post, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/portal-links", Admin, null, "id", "url", "expiresAt"),
        ["RevokePortalLink"] = async pair =>
            await HttpAsync(pair, "RevokePortalLink", HttpMethod.Delete, $"/api/v1/admin/partners/{(await pair.ScenarioAsync()).PartnerId}/portal-links/pl_0000000000000000", Admin),
        ["GetPortalPage"] = async pair =>
        {
            // Without a session: the page with the link request form, whose CSRF token (cookie and field) each host draws at random.
            var (worker, local) = await pair.HttpAsync("GetPortalPage", HttpMethod.Get, "/portal/leveranser?lang=en", null, null);
            return Compare("GET /portal/leveranser", SignInTokenMasked(worker), SignInTokenMasked(local));
        },
        ["PostPortalForm"] = pair => HttpAsync(pair, "PostPortalForm", HttpMethod.Post, "/portal/omspelning", null, """{"update":"not a form"}"""),
        ["MaintainCollaborationIndex"] = pair => TimerAsync(pair, "MaintainCollaborationIndex"),
        ["SweepFanout"] = pair => TimerAsync(pair, "SweepFanout"),
        ["SweepRetention"] = pair => TimerAsync(pair, "SweepRetention"),
        ["SendMonthlyDigest"] = pair => TimerAsync(pair, "SendMonthlyDigest"),
    };

    [Theory]
    [MemberData(nameof(FunctionsMetadata.Names), MemberType = typeof(FunctionsMetadata))]
    public async Task Function_AnswersThroughTheWorker_AsThroughHubLocal(string name)
    {
        Assert.True(
            Invocations.TryGetValue(name, out var invoke),
            $"{name} is in functions.metadata but has no conformance invocation: add one to {nameof(EveryFunctionConformanceTests)}.{nameof(Invocations)}.");

        var row = await invoke(fixture.Pair);

        output.WriteLine($"| `{name}` | {row.Invocation} | {row.Worker} | same |");
    }

    private sealed record Row(string Invocation, string Worker);

    private static async Task<Row> HttpAsync(HostPair pair, string function, HttpMethod method, string path, string? key = null, string? json = null, params string[] mask)
    {
        var (worker, local) = await pair.HttpAsync(function, method, path, key, json);
        return Compare($"{method} {path.Split('?')[0]}", worker, local, mask);
    }

    /// <summary>The answer with its sign-in CSRF token (the <c>mellanrum-portal-signin</c> cookie's value, repeated in the form) replaced.</summary>
    private static Answer SignInTokenMasked(Answer answer) =>
        System.Text.RegularExpressions.Regex.Match(answer.Header("Set-Cookie") ?? string.Empty, "mellanrum-portal-signin=([A-Za-z0-9_-]{43})") is { Success: true } token
            ? answer.Replaced(token.Groups[1].Value, "…")
            : answer;

    private static Row Compare(string invocation, Answer worker, Answer local, params string[] mask)
    {
        Assert.True((int)worker.Status < 500, worker.Render());
        Assert.Equal(local.Masked([.. Clock, .. mask]).Render(), worker.Masked([.. Clock, .. mask]).Render());
        return new Row(invocation, worker.Summary());
    }

    private static async Task<Row> QueueAsync(HostPair pair, string function, string message, string what)
    {
        var worker = await pair.WorkerQueueAsync(function, message);
        var local = await pair.LocalQueueAsync(function, message);
        Assert.True(worker.Succeeded, worker.ToString());
        Assert.True(local.Succeeded, local.ToString());
        return new Row($"queue message: {what}", worker.Status.ToString());
    }

    private static async Task<Row> TimerAsync(HostPair pair, string function)
    {
        var worker = await pair.Worker.InvokeTimerAsync(function);
        var local = await pair.LocalTimerAsync(function);
        Assert.True(worker.Succeeded, worker.ToString());
        Assert.Null(local);
        return new Row($"timer ({pair.Worker.Resolve(pair.Worker.Function(function).Trigger.Schedule!)})", worker.Status.ToString());
    }

    /// <summary>An invalid update posted to a new source in both hosts (422, kept as a rejection); each host's rejection id.</summary>
    private static async Task<IReadOnlyDictionary<Side, string>> RejectedAsync(HostPair pair, string sourceId)
    {
        var credentials = await Scenario.RegisterSourceAsync(pair, sourceId);
        var (worker, local) = await Scenario.PostSignedAsync(pair, sourceId, credentials, """{"externalId":"CONF-REJECTED","collaboration":"conformance-rejected","kind":"beslut??","title":"T","occurredAt":"2026-01-01"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, worker.Status);
        Assert.Equal(local.Render(), worker.Render());
        var ids = new Dictionary<Side, string>();
        foreach (var side in new[] { Side.Worker, Side.Local })
        {
            using var list = side == Side.Worker
                ? await pair.Worker.InvokeHttpAsync("ListRejections", HostPair.Request(HttpMethod.Get, $"/api/v1/sources/{sourceId}/rejections", Admin))
                : await pair.LocalClient.SendAsync(HostPair.Request(HttpMethod.Get, $"/api/v1/sources/{sourceId}/rejections", Admin));
            ids[side] = Assert.Single((await Answer.ReadAsync(list)).Json.GetProperty("items").EnumerateArray()).GetProperty("id").GetString()!;
        }

        return ids;
    }

    /// <summary>
    /// A second update in the scenario's collaboration, fanned out by each host (the worker's message handed to the
    /// worker; Hub.Local's listener takes its own): Haninge's queue gets the same CloudEvent from both.
    /// </summary>
    private static async Task<Row> FanOutAsync(HostPair pair)
    {
        var scenario = await pair.ScenarioAsync();
        var body = Scenario.Body.Replace("CONF-2026-0001", "CONF-2026-FANOUT", StringComparison.Ordinal);
        var (posted, postedLocal) = await Scenario.PostSignedAsync(pair, scenario.SourceId, scenario.Credentials, body);
        Assert.Equal(postedLocal.Render(), posted.Render());
        var updateId = posted.Json.GetProperty("id").GetString()!;

        var fanout = pair.Queue(pair.Setting(Side.Worker, "HubFanoutQueue"));
        var queued = (await fanout.ReceiveMessagesAsync(maxMessages: 32)).Value.Single(m => m.MessageText.Contains(updateId, StringComparison.Ordinal));
        var result = await pair.WorkerQueueAsync("FanOut", queued.MessageText, queued.DequeueCount);
        Assert.True(result.Succeeded, result.ToString());
        await fanout.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);

        var partnerQueue = pair.Queue("partner-" + scenario.PartnerId);
        string[] events = [];
        await Until.TrueAsync(
            async () =>
            {
                events = (await partnerQueue.PeekMessagesAsync(maxMessages: 32)).Value.Select(m => m.MessageText).Where(m => m.Contains(updateId, StringComparison.Ordinal)).ToArray();
                return events.Length == 2;
            },
            TimeSpan.FromSeconds(30),
            $"both hosts to deliver {updateId} to {scenario.PartnerId}'s queue");
        // Each update has a trace of its own: both events carry a traceparent, whose value differs.
        var delivered = events.Select(e => new Answer(HttpStatusCode.OK, [KeyValuePair.Create("content-type", "application/json")], e).Masked([.. Clock, "time", "traceparent"]).Body).ToArray();
        Assert.Equal(delivered[0], delivered[1]);
        return new Row("queue message: the fan-out of a new update in Haninge's collaboration", $"{result.Status}; the same CloudEvent on partner-{scenario.PartnerId} from both");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// Every function through the worker, in the order an operator, a municipality and the Functions host's triggers
/// would use them; each step asserts what its caller sees. The output lists every function with its result (status
/// and media type only: bodies hold secrets).
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class EveryFunctionTests(WorkerFixture fixture, ITestOutputHelper output)
{
    private const string Admin = WorkerFixture.AdminKey;
    private readonly List<(string Function, string Result)> _tour = [];

    [Fact]
    public async Task EveryFunction_RunsThroughTheWorker()
    {
        try
        {
            await TourAsync();
        }
        finally
        {
            output.WriteLine(string.Join(Environment.NewLine, _tour.Select(t => $"| {t.Function} | {t.Result} |")));
        }

        Assert.Equal(fixture.Worker.Functions.Select(f => f.Name).Order(StringComparer.Ordinal), _tour.Select(t => t.Function).Distinct().Order(StringComparer.Ordinal));
    }

    private async Task TourAsync()
    {
        // An operator registers a source and a partner.
        var (status, source) = await HttpAsync("PutSource", HttpMethod.Put, "/api/v1/admin/sources/tour-source", Admin, new { organisation = "0180", name = "Tour", queueIngest = true });
        Assert.Equal(HttpStatusCode.Created, status);
        var (rotated, secret) = await HttpAsync("RotateSourceSecret", HttpMethod.Post, "/api/v1/admin/sources/tour-source/secrets", Admin);
        Assert.Equal(HttpStatusCode.OK, rotated);
        Assert.NotEqual(source.GetProperty("secret").GetString(), secret.GetProperty("secret").GetString());
        var (partnerStatus, partner) = await HttpAsync("PutPartner", HttpMethod.Put, "/api/v1/admin/partners/tour-partner", Admin, new { organisation = "0136", channels = new[] { new { type = "queue" } }, digest = new { recipients = new[] { "it@haninge.example" } } });
        Assert.Equal(HttpStatusCode.Created, partnerStatus);

        // The source posts an update; the host hands the fan-out message to the worker; the partner's queue gets it.
        // It occurred in the month before this one: the latest ended month, whose digest can be sent.
        var thisMonth = Mellanrum.Hub.Digest.DigestMonth.Containing(TimeProvider.System.GetUtcNow());
        var occurredMonth = thisMonth.Previous().ToString();
        var update = new { externalId = "TOUR-1", collaboration = "tour-samverkan", kind = "decision", title = "Tour", status = "active", area = "digitalisering", participants = new[] { "0136", "0127" }, occurredAt = $"{occurredMonth}-19T09:00:00+01:00" };
        var (posted, accepted) = await HttpAsync("PostUpdate", HttpMethod.Post, "/api/v1/sources/tour-source/updates", source.GetProperty("key").GetString(), update);
        Assert.Equal(HttpStatusCode.Accepted, posted);
        var updateId = accepted.GetProperty("id").GetString()!;
        var fanout = Queue(fixture.Worker.Resolve("%HubFanoutQueue%"));
        var queued = (await fanout.ReceiveMessagesAsync(maxMessages: 32)).Value.Single(m => m.MessageText.Contains(updateId, StringComparison.Ordinal));
        Assert.True((await QueueAsync("FanOut", queued.MessageText)).Succeeded);
        await fanout.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        var delivered = (await Queue("partner-tour-partner").ReceiveMessagesAsync(maxMessages: 32)).Value;
        Assert.Contains(delivered, m => m.MessageText.Contains(updateId, StringComparison.Ordinal));

        // Anyone reads it back.
        var (read, stored) = await HttpAsync("GetUpdate", HttpMethod.Get, $"/api/v1/updates/{updateId}");
        Assert.Equal(HttpStatusCode.OK, read);
        var (listed, collaborations) = await HttpAsync("ListCollaborations", HttpMethod.Get, "/api/v1/collaborations");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains(collaborations.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == "tour-samverkan");
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetCollaboration", HttpMethod.Get, "/api/v1/collaborations/tour-samverkan")).Status);
        var (timeline, updates) = await HttpAsync("ListCollaborationUpdates", HttpMethod.Get, "/api/v1/collaborations/tour-samverkan/updates");
        Assert.Equal(HttpStatusCode.OK, timeline);
        Assert.Equal(updateId, updates.GetProperty("items")[0].GetProperty("id").GetString());

        // The collaboration's owner names it and adds Ekerö, the admin removes the member it named; the nightly index repair runs.
        var (renamed, collaboration) = await HttpAsync("PutCollaboration", HttpMethod.Put, "/api/v1/collaborations/tour-samverkan", source.GetProperty("key").GetString(), new { name = "Turnén", form = "projekt" });
        Assert.Equal(HttpStatusCode.OK, renamed);
        Assert.Equal("Turnén", collaboration.GetProperty("name").GetString());
        var (added, withEkero) = await HttpAsync("AddCollaborationMember", HttpMethod.Put, "/api/v1/collaborations/tour-samverkan/members/0125", source.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Contains(withEkero.GetProperty("members").EnumerateArray(), m => m.GetProperty("organisation").GetString() == "0125");
        Assert.Equal(HttpStatusCode.NoContent, (await HttpAsync("RemoveCollaborationMember", HttpMethod.Delete, "/api/v1/collaborations/tour-samverkan/members/0127", Admin)).Status);
        Assert.True((await TimerAsync("MaintainCollaborationIndex")).Succeeded);

        // The operator looks at the partner's deliveries and replays them.
        var (deliveriesStatus, deliveries) = await HttpAsync("ListDeliveries", HttpMethod.Get, "/api/v1/admin/partners/tour-partner/deliveries", Admin);
        Assert.Equal(HttpStatusCode.OK, deliveriesStatus);
        Assert.Contains(deliveries.GetProperty("items").EnumerateArray(), d => d.GetProperty("updateId").GetString() == updateId && d.GetProperty("status").GetString() == "delivered");
        var (replayed, replay) = await HttpAsync("ReplayDeliveries", HttpMethod.Post, "/api/v1/admin/partners/tour-partner/deliveries/replay?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", Admin);
        Assert.Equal(HttpStatusCode.Accepted, replayed);
        Assert.Equal(1, replay.GetProperty("updates").GetInt32());

        // An invalid queued update becomes a rejection; retried unchanged it is still invalid; a poisoned one is kept too.
        Assert.True((await QueueAsync("IngestQueuedUpdate", """{"sourceId":"tour-source","contentType":"application/json","body":{"collaboration":"x","kind":"beslut??","title":"T","occurredAt":"2026-01-01"}}""")).Succeeded);
        Assert.True((await QueueAsync("KeepPoisonedUpdate", """{"sourceId":"tour-source","contentType":"application/json","body":{}}""")).Succeeded);
        var (rejectionsStatus, rejections) = await HttpAsync("ListRejections", HttpMethod.Get, "/api/v1/sources/tour-source/rejections", Admin);
        Assert.Equal(HttpStatusCode.OK, rejectionsStatus);
        var kept = rejections.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([422, 500], kept.Select(r => r.GetProperty("status").GetInt32()).Order());
        var invalid = kept.Single(r => r.GetProperty("status").GetInt32() == 422).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await HttpAsync("RetryRejection", HttpMethod.Post, $"/api/v1/sources/tour-source/rejections/{invalid}/retry", Admin)).Status);

        // A webhook delivery for a partner that has no webhook any more is dead-lettered (not retried, not dropped);
        // so is a delivery that failed every attempt; a poisoned fan-out of an update whose fan-out is done needs nothing.
        var webhook = await QueueAsync("DeliverWebhook", $$"""{"partnerId":"tour-partner","updateId":"{{updateId}}","url":"https://example.invalid/hook","attempt":1,"body":"{}","firstAttemptAt":"2026-11-19T08:00:00Z"}""");
        Assert.True(webhook.Succeeded);
        Assert.Contains(webhook.Logs, l => l.Level == "Warning" && l.Message.Contains(updateId, StringComparison.Ordinal));
        Assert.True((await QueueAsync("KeepPoisonedDelivery", $$"""{"partnerId":"tour-partner","updateId":"{{updateId}}","url":"","attempt":5,"body":"","firstAttemptAt":"2026-11-19T08:00:00Z","channel":"queue"}""")).Succeeded);
        var (_, log) = await HttpAsync("ListDeliveries", HttpMethod.Get, "/api/v1/admin/partners/tour-partner/deliveries", Admin);
        Assert.Contains(log.GetProperty("deadLetters").EnumerateArray(), d => d.GetProperty("updateId").GetString() == updateId && d.GetProperty("channel").GetString() == "queue");
        Assert.True((await QueueAsync("KeepPoisonedFanout", $$"""{"updateId":"{{updateId}}"}""")).Succeeded);

        // The digest: read for the month the update occurred in, sent by the operator as jobs on the digests queue (the
        // host hands each message to the worker), followed on its progress, and by the monthly timer.
        var digest = await HttpAsync("GetPartnerDigest", HttpMethod.Get, $"/api/v1/partners/tour-partner/digests/{occurredMonth}", Admin);
        Assert.Equal(HttpStatusCode.OK, digest.Status);
        var (sendStatus, send) = await HttpAsync("SendDigests", HttpMethod.Post, $"/api/v1/admin/digests/{occurredMonth}/send", Admin);
        Assert.Equal(HttpStatusCode.Accepted, sendStatus);
        Assert.Equal("queued", send.GetProperty("state").GetString());
        var digests = Queue(fixture.Worker.Resolve("%HubDigestsQueue%"));
        for (var jobs = 0; jobs < 2; jobs++)
        {
            // The month's job, then the one job of its one partner.
            var job = (await digests.ReceiveMessagesAsync(maxMessages: 1)).Value.Single();
            Assert.True((await QueueAsync("RunDigestJob", job.MessageText)).Succeeded);
            await digests.DeleteMessageAsync(job.MessageId, job.PopReceipt);
        }

        var (progressStatus, progress) = await HttpAsync("GetDigestRun", HttpMethod.Get, $"/api/v1/admin/digests/{occurredMonth}", Admin);
        Assert.Equal(HttpStatusCode.OK, progressStatus);
        Assert.Equal("done", progress.GetProperty("state").GetString());
        Assert.Equal(1, progress.GetProperty("sent").GetInt32());
        Assert.Equal(1, progress.GetProperty("updates").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await HttpAsync("SendDigests", HttpMethod.Post, $"/api/v1/admin/digests/{thisMonth}/send", Admin)).Status);
        var poisoned = $$"""{"type":"partners","month":"{{occurredMonth}}","run":"{{progress.GetProperty("run").GetString()}}","partners":["tour-partner"]}""";
        Assert.True((await QueueAsync("KeepFailedDigestJob", poisoned)).Succeeded);
        Assert.Equal(0, (await HttpAsync("GetDigestRun", HttpMethod.Get, $"/api/v1/admin/digests/{occurredMonth}", Admin)).Json.GetProperty("partnersFailed").GetInt32());
        Assert.True((await TimerAsync("SendMonthlyDigest")).Succeeded);

        // The host's other timers, and the meta endpoints.
        Assert.True((await TimerAsync("SweepFanout")).Succeeded);
        Assert.True((await TimerAsync("SweepRetention")).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetHealth", HttpMethod.Get, "/api/v1/health")).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetApiInfo", HttpMethod.Get, "/api/v1/api-info")).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetOpenApi", HttpMethod.Get, "/api/v1/openapi")).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetOpenApiJson", HttpMethod.Get, "/api/v1/openapi.json")).Status);

        // Credentials: the operator rotates the source's key and the partner's secret and key, finds the old key's id,
        // revokes it, reads the audit log.
        var (keyRotated, newKey) = await HttpAsync("RotateSourceKey", HttpMethod.Post, "/api/v1/admin/sources/tour-source/keys", Admin);
        Assert.Equal(HttpStatusCode.OK, keyRotated);
        var (sourceRead, sourceView) = await HttpAsync("GetSource", HttpMethod.Get, "/api/v1/admin/sources/tour-source", Admin);
        Assert.Equal(HttpStatusCode.OK, sourceRead);
        var oldKeyId = sourceView.GetProperty("keys").EnumerateArray().Single(k => k.TryGetProperty("validUntil", out _)).GetProperty("id").GetString();
        Assert.Equal(source.GetProperty("keys")[0].GetProperty("id").GetString(), oldKeyId);
        var (partnerRead, partnerView) = await HttpAsync("GetPartner", HttpMethod.Get, "/api/v1/admin/partners/tour-partner", Admin);
        Assert.Equal(HttpStatusCode.OK, partnerRead);
        Assert.False(partnerView.TryGetProperty("key", out _), "A partner read shows no key.");
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("RevokeSourceCredential", HttpMethod.Delete, $"/api/v1/admin/sources/tour-source/keys/{oldKeyId}", Admin)).Status);
        Assert.NotEqual(oldKeyId, newKey.GetProperty("credentialId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("RotatePartnerSecret", HttpMethod.Post, "/api/v1/admin/partners/tour-partner/secrets", Admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("RotatePartnerKey", HttpMethod.Post, "/api/v1/admin/partners/tour-partner/keys", Admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("RevokePartnerCredential", HttpMethod.Delete, $"/api/v1/admin/partners/tour-partner/keys/{partner.GetProperty("keys")[0].GetProperty("id").GetString()}", Admin)).Status);
        // Anyone reads the accessibility statement, with the hub's own style sheet.
        var (statement, _) = await HttpAsync("GetAccessibilityStatement", HttpMethod.Get, "/tillganglighet");
        Assert.Equal(HttpStatusCode.OK, statement);
        var (styles, _) = await HttpAsync("GetAsset", HttpMethod.Get, "/assets/hub.css");
        Assert.Equal(HttpStatusCode.OK, styles);

        // Anyone reads the public register: its pages, its open data and their catalogue description.
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetRegisterPage", HttpMethod.Get, "/samverkan")).Status);
        var (register, registerJson) = await HttpAsync("GetRegister", HttpMethod.Get, "/api/v1/register");
        Assert.Equal(HttpStatusCode.OK, register);
        var registered = registerJson.GetProperty("items")[0];
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetCollaborationPage", HttpMethod.Get, "/samverkan/" + registered.GetProperty("id").GetString())).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetOrganisationPage", HttpMethod.Get, "/organisationer/" + registered.GetProperty("owner").GetString())).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetMapPage", HttpMethod.Get, "/samverkanskartan")).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetDcat", HttpMethod.Get, "/api/v1/dcat")).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpAsync("GetAsset", HttpMethod.Get, "/assets/cytoscape.min.js")).Status);
        // The operator issues the partner a sign-in link to its partner page; its page opens, its button is a form; a
        // second link is revoked. Without a session the partner page asks for a sign-in and offers a new link by e-mail; a
        // form that is not one is refused.
        var (linked, link) = await HttpAsync("CreatePortalLink", HttpMethod.Post, "/api/v1/admin/partners/tour-partner/portal-links", Admin);
        Assert.Equal(HttpStatusCode.Created, linked);
        var signIn = await PageAsync("GetPortalPage", new Uri(link.GetProperty("url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.Contains("<form method=\"post\" action=\"/portal/logga-in\"", signIn.Html, StringComparison.Ordinal);
        var notSignedIn = await PageAsync("GetPortalPage", "/portal/leveranser");
        Assert.Equal(HttpStatusCode.Unauthorized, notSignedIn.Status);
        Assert.Contains("Du är inte inloggad", notSignedIn.Html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/portal/ny-lank\"", notSignedIn.Html, StringComparison.Ordinal);
        var (notAForm, _) = await HttpAsync("PostPortalForm", HttpMethod.Post, "/portal/omspelning", null, new { update = "x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notAForm);
        Assert.Equal(HttpStatusCode.NoContent, (await HttpAsync("RevokePortalLink", HttpMethod.Delete, $"/api/v1/admin/partners/tour-partner/portal-links/{link.GetProperty("id").GetString()}", Admin)).Status);

        var (audited, audit) = await HttpAsync("ListAudit", HttpMethod.Get, "/api/v1/admin/audit?limit=100", Admin);
        Assert.Equal(HttpStatusCode.OK, audited);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "source.key.revoked" && e.GetProperty("target").GetString() == "tour-source");
    }

    private async Task<(HttpStatusCode Status, string Html)> PageAsync(string function, string path)
    {
        using var response = await fixture.Worker.InvokeHttpAsync(function, WorkerFixture.Request(HttpMethod.Get, path));
        _tour.Add((function, $"GET {path.Split('?')[0]}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private QueueClient Queue(string name) => new(fixture.Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    private async Task<(HttpStatusCode Status, JsonElement Json)> HttpAsync(string function, HttpMethod method, string path, string? key = null, object? body = null)
    {
        using var response = await fixture.Worker.InvokeHttpAsync(function, WorkerFixture.Request(method, path, key, body is null ? null : JsonContent.Create(body)));
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        _tour.Add((function, $"{method} {path.Split('?')[0]}: {(int)response.StatusCode} {mediaType}"));
        var json = mediaType?.EndsWith("json", StringComparison.Ordinal) == true ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        return (response.StatusCode, json);
    }

    private async Task<InvocationResult> QueueAsync(string function, string message)
    {
        var result = await fixture.Worker.InvokeQueueAsync(function, message);
        _tour.Add((function, $"queue message: {result.Status}{(result.ExceptionMessage is null ? string.Empty : ", " + result.ExceptionType)}"));
        return result;
    }

    private async Task<InvocationResult> TimerAsync(string function)
    {
        var result = await fixture.Worker.InvokeTimerAsync(function);
        _tour.Add((function, $"timer: {result.Status}{(result.ExceptionMessage is null ? string.Empty : ", " + result.ExceptionType)}"));
        return result;
    }
}

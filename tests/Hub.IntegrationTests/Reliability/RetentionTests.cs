using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Hosting;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>
/// Retention per kind (<c>Hub:Retention</c>): the nightly sweep deletes what is older than its kind's days, keeps what
/// is newer, keeps the audit log unless told otherwise, and never touches an update; seen as an operator sees it, in
/// the admin reads, and as a source sees it, in what a repeated <c>webhook-id</c> answers.
/// </summary>
public sealed class RetentionTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private const string PartnerId = "retention-partner";

    [Fact]
    public async Task Sweep_DeletesEachKindOlderThanItsDays_KeepsNewerRows_TheAuditLogUnlessSet_AndEveryUpdate()
    {
        var services = hub.App.Services;
        var storage = services.GetRequiredService<HubStorage>();
        var now = DateTimeOffset.UtcNow;
        var source = await hub.RegisterSourceAsync("retention-source");
        using (var partner = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{PartnerId}", new { organisation = "0138", channels = new[] { new { type = "queue" } } })))
        {
            Assert.True(partner.IsSuccessStatusCode, await partner.Content.ReadAsStringAsync());
        }

        using var posted = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical("RET-1", "retention-samverkan")));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var updateId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // What the hub wrote long ago and lately, each with a clock of that day: delivery attempts 91 and 1 days old,
        // dead letters 366 and 10, rejections 91 and 1, audit entries 400 and 1, webhook-ids 3 days and 1 hour.
        var deliveries = services.GetRequiredService<DeliveryLog>();
        await deliveries.RecordAsync(
            [
                new DeliveryAttempt(PartnerId, "01jretention0old0attempt00", "queue", 1, DeliveryLog.Delivered, null, 12, null, now.AddDays(-91)),
                new DeliveryAttempt(PartnerId, "01jretention0new0attempt00", "queue", 1, DeliveryLog.Delivered, null, 12, null, now.AddDays(-1)),
            ],
            CancellationToken.None);
        await deliveries.DeadLetterAsync(new DeadLetter(PartnerId, "01jretention0old0dead00000", "queue", 8, "Queue not found.", now.AddDays(-366)), CancellationToken.None);
        await deliveries.DeadLetterAsync(new DeadLetter(PartnerId, "01jretention0new0dead00000", "queue", 8, "Queue not found.", now.AddDays(-10)), CancellationToken.None);
        var rejectionOptions = services.GetRequiredService<IOptions<RejectionOptions>>();
        var oldRejection = await Rejected(new RejectionStore(storage, new FakeTimeProvider(now.AddDays(-91)), rejectionOptions), source.Id);
        var newRejection = await Rejected(new RejectionStore(storage, new FakeTimeProvider(now.AddDays(-1)), rejectionOptions), source.Id);
        await new AuditLog(storage, new FakeTimeProvider(now.AddDays(-400))).RecordAsync(Caller.Admin, "retention.old", "retention-target");
        await new AuditLog(storage, new FakeTimeProvider(now.AddDays(-1))).RecordAsync(Caller.Admin, "retention.new", "retention-target");
        await new ReplayGuard(storage, new FakeTimeProvider(now.AddDays(-3))).RecordAsync(source.Id, "retention-old-webhook-id", updateId, CancellationToken.None);
        await new ReplayGuard(storage, new FakeTimeProvider(now.AddHours(-1))).RecordAsync(source.Id, "retention-new-webhook-id", updateId, CancellationToken.None);

        // Before the sweep: the old webhook-id still makes a new body a duplicate of the update it stored.
        Assert.Equal((HttpStatusCode.OK, updateId), await PostAsync(source, "retention-old-webhook-id", "RET-2"));

        var result = await services.GetRequiredService<RetentionSweep>().SweepAsync(CancellationToken.None);

        Assert.Empty(result.Failed);
        Assert.True(result.Deleted[RetentionSweep.DeliveryLog] >= 1);
        Assert.True(result.Deleted[RetentionSweep.DeadLetters] >= 1);
        Assert.True(result.Deleted[RetentionSweep.Rejections] >= 1);
        Assert.True(result.Deleted[RetentionSweep.WebhookIds] >= 1);
        Assert.Null(result.Deleted[RetentionSweep.Audit]);

        // The operator's delivery log: the old attempt and the old dead letter are gone, the newer ones are there.
        var log = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/partners/{PartnerId}/deliveries?limit=100"));
        var page = await log.Content.ReadFromJsonAsync<JsonElement>();
        var attempts = page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("updateId").GetString()).ToArray();
        Assert.Contains("01jretention0new0attempt00", attempts);
        Assert.DoesNotContain("01jretention0old0attempt00", attempts);
        var dead = page.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("updateId").GetString()!).ToArray();
        Assert.Equal(["01jretention0new0dead00000"], dead);

        // The source's rejections: the one of 91 days ago is gone.
        var rejections = await (await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections?limit=100"))).Content.ReadFromJsonAsync<JsonElement>();
        var rejectionIds = rejections.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToArray();
        Assert.Contains(newRejection, rejectionIds);
        Assert.DoesNotContain(oldRejection, rejectionIds);

        // The audit log is kept by default: both entries are still there.
        Assert.Equal(["retention.new", "retention.old"], await AuditActionsAsync(now));

        // The forgotten webhook-id is a new request now; the remembered one still a duplicate.
        var (status, id) = await PostAsync(source, "retention-old-webhook-id", "RET-3");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.NotEqual(updateId, id);
        Assert.Equal((HttpStatusCode.OK, updateId), await PostAsync(source, "retention-new-webhook-id", "RET-4"));

        // Set to 30 days, the audit log loses the entry of 400 days ago and keeps yesterday's.
        var auditSet = new RetentionSweep(
            deliveries,
            services.GetRequiredService<RejectionStore>(),
            services.GetRequiredService<AuditLog>(),
            services.GetRequiredService<ReplayGuard>(),
            Options.Create(new RetentionOptions { AuditDays = 30 }),
            TimeProvider.System,
            NullLogger<RetentionSweep>.Instance);
        Assert.True((await auditSet.SweepAsync(CancellationToken.None)).Deleted[RetentionSweep.Audit] >= 1);
        Assert.Equal(["retention.new"], await AuditActionsAsync(now));

        // Updates are never swept.
        using var stored = await hub.Client.GetAsync($"/api/v1/updates/{updateId}");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
    }

    private static async Task<string> Rejected(RejectionStore store, string sourceId) =>
        (await store.AddAsync(sourceId, "http", 422, "Validation failed", [], "application/json", new Dictionary<string, string>(), "{}"u8.ToArray(), CancellationToken.None)).Id;

    private async Task<(HttpStatusCode Status, string? Id)> PostAsync(RegisteredSource source, string webhookId, string externalId)
    {
        using var response = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical(externalId, "retention-samverkan"), webhookId));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
    }

    private async Task<string[]> AuditActionsAsync(DateTimeOffset now)
    {
        var from = Uri.EscapeDataString(now.AddDays(-500).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var audit = await (await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/audit?from={from}&limit=100"))).Content.ReadFromJsonAsync<JsonElement>();
        return [.. audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Where(a => a.StartsWith("retention.", StringComparison.Ordinal))];
    }
}

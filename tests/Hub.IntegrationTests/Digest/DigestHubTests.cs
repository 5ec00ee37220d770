using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Digest.Storage;
using Mellanrum.Hub.Foundation;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>The digest end to end: seeded over HTTP into Hub.Local on Azurite, sent as jobs on its queue to a real SMTP server, read on the web.</summary>
public sealed class DigestHubTests(DigestHubFixture hub) : IClassFixture<DigestHubFixture>
{
    private static readonly string[] Recipients = ["asa.oberg@haninge.example", "it@haninge.example", "orjan@botkyrka.example"];

    [Fact]
    public async Task SendDigests_UpdatesThatOccurredTwoMonthsAgoPostedToday_InThatMonthsEmailOnePerRecipient()
    {
        var first = await hub.FirstSendAsync();

        Assert.Equal(Recipients.Order(), first.Messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.All(first.Messages, m =>
        {
            Assert.Equal($"Mellanrum: månadsbrev {hub.Month.SwedishName}", m.Subject);
            Assert.Equal(["text/plain", "text/html"], Assert.IsType<MultipartAlternative>(m.Body).OfType<TextPart>().Select(p => p.ContentType.MimeType));
            Assert.Contains("Beslut om gemensam upphandling av e-arkiv", m.TextBody);
            Assert.Contains("Kravställningen för e-arkivet är klar", m.TextBody);
            Assert.Contains($"14 {hub.Month.SwedishName.Split(' ')[0]}", m.TextBody);
        });
        Assert.Equal("Åsa Öberg", first.Messages.Single(m => m.To.Mailboxes.Single().Address == Recipients[0]).To.Mailboxes.Single().Name);
    }

    [Fact]
    public async Task SendDigests_EndedMonth_202WithTheLocationOfItsProgress()
    {
        var first = await hub.FirstSendAsync();

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal($"/api/v1/admin/digests/{hub.Month}", first.Location);
        Assert.Equal(hub.Month.ToString(), first.Answer.GetProperty("month").GetString());
        Assert.Equal("queued", first.Answer.GetProperty("state").GetString());
        Assert.Equal("admin", first.Answer.GetProperty("by").GetString());
    }

    [Fact]
    public async Task GetDigestRun_AfterTheJobs_CountsWhatHappened()
    {
        var progress = (await hub.FirstSendAsync()).Progress;

        Assert.Equal("done", progress.GetProperty("state").GetString());
        Assert.Equal(3, progress.GetProperty("updates").GetInt32());
        Assert.Equal(0, progress.GetProperty("late").GetInt32());
        Assert.Equal(3, progress.GetProperty("partners").GetInt32());
        Assert.Equal(0, progress.GetProperty("queued").GetInt32());
        Assert.Equal(2, progress.GetProperty("digests").GetInt32());
        Assert.Equal(3, progress.GetProperty("sent").GetInt32());
        Assert.Equal(0, progress.GetProperty("skipped").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());
        Assert.Equal(0, progress.GetProperty("partnersFailed").GetInt32());
        Assert.True(progress.GetProperty("cutoff").GetDateTimeOffset() > hub.Month.Period.To);
    }

    [Fact]
    public async Task SendDigests_SentAgain_NoNewEmailsAndEveryRecipientSkipped()
    {
        var first = await hub.FirstSendAsync();

        var (status, location, again) = await hub.SendMonthAsync(hub.Month.ToString());
        var progress = await hub.DoneAsync(location!, again.GetProperty("run").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(0, progress.GetProperty("sent").GetInt32());
        Assert.Equal(3, progress.GetProperty("skipped").GetInt32());
        Assert.Equal(first.Progress.GetProperty("cutoff").GetString(), progress.GetProperty("cutoff").GetString());
        Assert.Equal(Recipients.Order(), hub.Received(hub.Month).Select(m => m.To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task SendDigests_CurrentMonth_ConflictProblemAndNothingSent()
    {
        var current = DigestMonth.Containing(DateTimeOffset.UtcNow);

        var (status, _, problem) = await hub.SendMonthAsync(current.ToString());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("has not ended", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var progress = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/digests/{current}"));
        Assert.Equal(HttpStatusCode.NotFound, progress.StatusCode);
        Assert.Empty(hub.Received(current));
    }

    [Fact]
    public async Task GetDigestRun_PartnerKey_Unauthorized()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/admin/digests/{hub.Month}", "haninge"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetDigestRun_BadMonth_BadRequestProblem()
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/digests/2026-13"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("month", problem.GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
    }

    [Fact]
    public async Task GetPartnerDigest_ThisMonth_NotFoundWhatOccurredEarlierIsNotInIt()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/haninge/digests/{DigestMonth.Containing(DateTimeOffset.UtcNow)}", "haninge"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SendDigests_WithoutAdminKey_Unauthorized()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Post, $"/api/v1/admin/digests/{hub.Month}/send", "haninge"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SendDigests_BadMonth_BadRequestProblem()
    {
        var (status, _, problem) = await hub.SendMonthAsync("2026-13");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("month", problem.GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
    }

    [Fact]
    public async Task GetPartnerDigest_PartnerKey_SwedishHtmlLinkingToThePublicBaseUrl()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/haninge/digests/{hub.Month}", "haninge"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("lang=\"sv\"", html);
        Assert.Contains(hub.Month.SwedishName, html);
        Assert.Contains("Beslut om gemensam upphandling av e-arkiv", html);
        Assert.Contains($"{DigestHubFixture.PublicBaseUrl}/samverkan/{DigestHubFixture.Collaboration}", html);
    }

    [Fact]
    public async Task GetPartnerDigest_FormatText_ThePlainPart()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/botkyrka/digests/{hub.Month}?format=text", "botkyrka"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("Beslut om gemensam upphandling av e-arkiv", text);
        Assert.DoesNotContain("<", text);
    }

    [Fact]
    public async Task GetPartnerDigest_AdminKey_Html()
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/partners/botkyrka/digests/{hub.Month}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Beslut om gemensam upphandling av e-arkiv", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetPartnerDigest_AnotherPartnersKey_Unauthorized()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/haninge/digests/{hub.Month}", "botkyrka"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task GetPartnerDigest_NoKey_Unauthorized()
    {
        using var response = await hub.Client.GetAsync($"/api/v1/partners/haninge/digests/{hub.Month}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetPartnerDigest_UnknownPartnerWithAdminKey_NotFound()
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/partners/no-such-partner/digests/{hub.Month}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("2026-3")]
    [InlineData("march")]
    [InlineData("2026-00")]
    public async Task GetPartnerDigest_BadMonth_BadRequestProblem(string month)
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/haninge/digests/{month}", "haninge"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("month", problem.GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
    }

    [Theory]
    [InlineData("1900-01")]
    [InlineData("9997-12")]
    public async Task GetPartnerDigest_FirstAndLastMonthThereAre_NotFoundProblemNeverA500(string month)
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/haninge/digests/{month}", "haninge"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task GetPartnerDigest_EmptyMonthForThePartner_NotFoundProblem()
    {
        using var response = await hub.Client.SendAsync(hub.WithPartnerKey(HttpMethod.Get, $"/api/v1/partners/lulea/digests/{hub.Month}", "lulea"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task TableDigestLedger_SecondClaim_Refused()
    {
        var ledger = hub.App.Services.GetRequiredService<IDigestLedger>();
        var month = new DigestMonth(2025, 1);

        Assert.True(await ledger.TryBeginAsync("ledger-claim", "a@example.se", month, CancellationToken.None));
        Assert.False(await ledger.TryBeginAsync("ledger-claim", "A@Example.se ", month, CancellationToken.None));
        Assert.True(await ledger.TryBeginAsync("ledger-claim", "a@example.se", month.Next(), CancellationToken.None));
    }

    [Fact]
    public async Task TableDigestLedger_ReleaseAfterMarkSent_ClaimKept()
    {
        var ledger = hub.App.Services.GetRequiredService<IDigestLedger>();
        var month = new DigestMonth(2025, 2);
        await ledger.TryBeginAsync("ledger-sent", "b@example.se", month, CancellationToken.None);
        await ledger.MarkSentAsync("ledger-sent", "b@example.se", month, CancellationToken.None);

        await ledger.ReleaseAsync("ledger-sent", "b@example.se", month, CancellationToken.None);

        Assert.False(await ledger.TryBeginAsync("ledger-sent", "b@example.se", month, CancellationToken.None));
    }

    [Fact]
    public async Task TableDigestLedger_ReleaseUnsentClaim_CanBeClaimedAgain()
    {
        var ledger = hub.App.Services.GetRequiredService<IDigestLedger>();
        var month = new DigestMonth(2025, 3);
        await ledger.TryBeginAsync("ledger-release", "c@example.se", month, CancellationToken.None);

        await ledger.ReleaseAsync("ledger-release", "c@example.se", month, CancellationToken.None);

        Assert.True(await ledger.TryBeginAsync("ledger-release", "c@example.se", month, CancellationToken.None));
    }

    [Fact]
    public async Task TableDigestLedger_RowKeys_HoldNoAddress()
    {
        var ledger = hub.App.Services.GetRequiredService<IDigestLedger>();
        await ledger.TryBeginAsync("ledger-hash", "dora@example.se", new DigestMonth(2025, 4), CancellationToken.None);

        var table = await hub.App.Services.GetRequiredService<HubStorage>().TableAsync(HubStorage.DigestsTable);
        var rows = await table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "ledger-hash").ToListAsync();

        Assert.Equal(TableDigestLedger.ClaimRow("dora@example.se", new DigestMonth(2025, 4)), Assert.Single(rows).RowKey);
        Assert.DoesNotContain(rows.SelectMany(r => r), p => p.Value?.ToString()?.Contains("dora", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TableDigestLedger_LastCompletedMonth_OnlyMovesForward()
    {
        var ledger = hub.App.Services.GetRequiredService<IDigestLedger>();

        await ledger.MarkMonthCompletedAsync(new DigestMonth(2024, 5), CancellationToken.None);
        await ledger.MarkMonthCompletedAsync(new DigestMonth(2024, 3), CancellationToken.None);

        Assert.Equal(new DigestMonth(2024, 5), await ledger.LastCompletedMonthAsync(CancellationToken.None));
    }
}

using System.Net;
using System.Text.Json;
using Mellanrum.Hub.Digest;
using MimeKit;

namespace Mellanrum.Hub.IntegrationTests.Digest;

/// <summary>
/// The month of what happened, at Stockholm's midnight: Gällivare's system posts four updates that occurred in the latest
/// ended month (the first at 00:30 local time on its first day, the last at 23:30 on its last) and one at 00:30 on the
/// first day of this month, in a collaboration with Kiruna, whose partner reads the digest. The ended month is sent while its first job dies right after an email left (the queue
/// delivers the job again).
/// </summary>
public sealed class DigestEdgeFixture : DigestHubFixture
{
    public const string EdgeCollaboration = "gruvstaden-kiruna";

    private readonly Lazy<Task<FirstSend>> _send;

    public DigestEdgeFixture() => _send = new(SendEndedMonthAsync);

    /// <summary>The latest ended month.</summary>
    public DigestMonth Ended { get; } = DigestMonth.Containing(DateTimeOffset.UtcNow).Previous();

    public DigestMonth Current => Ended.Next();

    public static readonly string[] InEnded =
    [
        "Gruvstadsflytten: beslut om etapp två",
        "Lägesrapport om de nya bostäderna",
        "Möte om stadshusets flytt",
        "Sista flyttlasset från gamla centrum",
    ];

    public const string InCurrent = "Nyårsbeslut om kollektivtrafiken";

    public Task<FirstSend> SendAsync() => _send.Value;

    protected override async Task SeedAsync()
    {
        var source = await RegisterSourceAsync("gallivare-diarium", "2523");
        var last = Ended.Period.To.AddDays(-1);
        var lastDay = Mellanrum.Hub.Foundation.Stockholm.DateOf(last).Day;
        foreach (var (key, kind, occurred, title) in new[]
        {
            ("KIR-1", "beslut", Local(Ended, 1, 0, 30), InEnded[0]),
            ("KIR-2", "lägesrapport", Local(Ended, 12, 9, 0), InEnded[1]),
            ("KIR-3", "möte", Local(Ended, 20, 13, 0), InEnded[2]),
            ("KIR-4", "milstolpe", Local(Ended, lastDay, 23, 30), InEnded[3]),
            ("KIR-5", "beslut", Local(Current, 1, 0, 30), InCurrent),
        })
        {
            await PostAsync(source, Update(key, kind, occurred, title));
        }

        await RegisterPartnersAsync(("kiruna", "2584", ["Sámi Niia <sami.niia@kiruna.example>", "kommunstyrelsen@kiruna.example"]));
    }

    private async Task<FirstSend> SendEndedMonthAsync()
    {
        Ledger.DieBeforeNextMark();
        var (status, location, answer) = await SendMonthAsync(Ended.ToString());
        Assert.True(status == HttpStatusCode.Accepted, answer.ToString());
        var progress = await DoneAsync(location!, answer.GetProperty("run").GetString()!);
        return new FirstSend(status, location, answer, progress, Received(Ended));
    }

    private static string Update(string key, string kind, string occurredAt, string title) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["externalId"] = key,
            ["collaboration"] = EdgeCollaboration,
            ["collaborationName"] = "Gruvstadsflytten i Kiruna",
            ["kind"] = kind,
            ["title"] = title,
            ["status"] = "pågår",
            ["area"] = "samhällsbyggnad",
            ["participants"] = new[] { "Kiruna", "Gällivare kommun" },
            ["occurredAt"] = occurredAt,
        });
}

public sealed class DigestMonthEdgeTests(DigestEdgeFixture hub) : IClassFixture<DigestEdgeFixture>
{
    [Fact]
    public async Task SendDigests_LatestEndedMonth_HoldsTheFourThatOccurredInItAndNotTheOneAt0030OnTheNextFirst()
    {
        var sent = await hub.SendAsync();

        var message = sent.Messages.First();
        Assert.Equal($"Mellanrum: månadsbrev {hub.Ended.SwedishName}", message.Subject);
        Assert.All(DigestEdgeFixture.InEnded, title => Assert.Contains(title, message.TextBody, StringComparison.Ordinal));
        Assert.DoesNotContain(DigestEdgeFixture.InCurrent, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(DigestEdgeFixture.InEnded[0], message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(4, sent.Progress.GetProperty("updates").GetInt32());
    }

    [Fact]
    public async Task SendDigests_JobDiedAfterAnEmailLeft_RedeliveredWithoutSendingItTwice()
    {
        var sent = await hub.SendAsync();

        Assert.Equal(["kommunstyrelsen@kiruna.example", "sami.niia@kiruna.example"], sent.Messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.Equal(2, sent.Progress.GetProperty("sent").GetInt32() + sent.Progress.GetProperty("skipped").GetInt32());
        Assert.Equal(0, sent.Progress.GetProperty("partnersFailed").GetInt32());
        Assert.Equal("done", sent.Progress.GetProperty("state").GetString());
    }

    [Fact]
    public async Task GetPartnerDigest_ThisMonth_HoldsTheOneAt0030OnItsFirstDay()
    {
        await hub.SendAsync();
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/partners/kiruna/digests/{hub.Current}?format=text"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(DigestEdgeFixture.InCurrent, text, StringComparison.Ordinal);
        Assert.DoesNotContain(DigestEdgeFixture.InEnded[0], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendDigests_EndedMonth_SubjectAndSectionHeadingsAsAPersonReadsThem()
    {
        var message = (await hub.SendAsync()).Messages.First();
        var headings = message.TextBody!.Split('\n').Zip(message.TextBody.Split('\n').Skip(1)).Where(p => p.First.Length > 0 && p.Second.Length > 1 && p.Second.All(c => c is '=' or '-')).Select(p => p.First).ToArray();

        Assert.Equal([$"Månadsbrev {hub.Ended.SwedishName}", "Er samverkan"], headings);
        Assert.Contains("## Gruvstadsflytten i Kiruna", message.TextBody, StringComparison.Ordinal);
        _ = Assert.IsType<MultipartAlternative>(message.Body);
    }
}

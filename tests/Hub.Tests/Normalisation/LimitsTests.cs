using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Normalisation;

/// <summary>The contract's limits on one update: each a 422 naming the field, and whatever is accepted fits every channel.</summary>
public sealed class LimitsTests
{
    private static JsonObject Valid() => new()
    {
        ["collaboration"] = "e-arkiv-sodertorn",
        ["kind"] = "decision",
        ["title"] = "Beslut om gemensam upphandling",
        ["occurredAt"] = "2026-03-19T09:00:00+01:00",
    };

    private static JsonArray Links(int count, int urlLength, string? title = null) =>
        new(Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
        {
            ["title"] = title,
            ["url"] = Url(i, urlLength),
        }).ToArray());

    private static string Url(int i, int length)
    {
        var head = $"https://www.nacka.se/{i:D2}/";
        return head + new string('a', length - head.Length);
    }

    private static readonly string[] Municipalities = OrganisationRegistry.Shared.Municipalities.Select(m => m.Code).Where(c => c != Nacka).Order(StringComparer.Ordinal).ToArray();

    private static string[] Failing(JsonObject update) => Normalise(update.ToJsonString()).Errors.Select(e => e.Property).ToArray();

    [Fact]
    public void TwentyLinks_AreAccepted_TwentyOne_AreA422NamingLinks()
    {
        var update = Valid();
        update["links"] = Links(20, 100);
        Assert.True(Normalise(update.ToJsonString()).IsValid);

        update["links"] = Links(21, 100);
        var result = Normalise(update.ToJsonString());
        Assert.Equal(["links"], result.Errors.Select(e => e.Property));
        Assert.Contains("At most 20 links", result.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlOf2000Characters_IsAccepted_2001_IsA422NamingThatUrl()
    {
        var update = Valid();
        update["links"] = Links(1, 2000);
        Assert.True(Normalise(update.ToJsonString()).IsValid);

        update["links"] = Links(1, 2001);
        Assert.Equal(["links[0].url"], Failing(update));
    }

    [Fact]
    public void ALinkTitleOver200Characters_IsA422NamingThatTitle()
    {
        var update = Valid();
        update["links"] = Links(2, 50, new string('x', 201));
        Assert.Equal(["links[0].title", "links[1].title"], Failing(update));
    }

    [Fact]
    public void TwentyTags_OfFiftyCharacters_AreAccepted_MoreOrLonger_AreA422()
    {
        var tags = Enumerable.Range(0, 20).Select(i => $"{i:D2}" + new string('t', 48)).ToArray();
        var update = Valid();
        update["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        Assert.Equal(20, Normalise(update.ToJsonString()).Update!.Tags.Count);

        update["tags"] = new JsonArray(tags.Append("extra").Select(t => (JsonNode)t).ToArray());
        Assert.Equal(["tags"], Failing(update));

        update["tags"] = new JsonArray(new string('t', 51));
        Assert.Equal(["tags[0]"], Failing(update));
    }

    [Fact]
    public void FiveHundredTags_InOneText_AreA422_WithoutAnErrorPerTag()
    {
        var update = Valid();
        update["tags"] = string.Join(',', Enumerable.Range(0, 500).Select(i => $"tagg{i}"));
        Assert.Equal(["tags"], Failing(update));
    }

    [Fact]
    public void AThousandParticipants_AreA422NamingParticipants()
    {
        var update = Valid();
        update["participants"] = new JsonArray(Enumerable.Range(0, 1000).Select(_ => (JsonNode)"0136").ToArray());
        var result = Normalise(update.ToJsonString());
        Assert.Equal(["participants"], result.Errors.Select(e => e.Property));
        Assert.Contains("At most 100 participants", result.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASummaryOf4000Characters_IsAccepted_4001_IsA422()
    {
        var update = Valid();
        update["summary"] = new string('ö', 4000);
        Assert.True(Normalise(update.ToJsonString()).IsValid);
        update["summary"] = new string('ö', 4001);
        Assert.Equal(["summary"], Failing(update));
    }

    [Fact]
    public void TwentyLongLinks_WithinEachLimit_ButTooLargeInSum_AreA422NamingLinks()
    {
        var update = Valid();
        update["links"] = Links(20, 2000, new string('L', 200));
        update["summary"] = new string('ö', 4000);
        var result = Normalise(update.ToJsonString());
        Assert.False(result.IsValid);
        Assert.Equal(["links"], result.Errors.Select(e => e.Property));
        Assert.Contains("fit in storage and in every partner channel", result.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLargestUpdateTheLimitsAllow_FitsATableProperty_AStorageQueueMessage_AndServiceBus()
    {
        // As large as it may be: every field at its limit, long links until just under the sum limit, letters of three
        // UTF-8 bytes where a field takes any text.
        var update = Valid();
        update["title"] = new string('€', 200);
        update["collaborationName"] = new string('€', 200);
        update["summary"] = new string('€', 4000);
        update["tags"] = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode)($"{i:D2}" + new string('€', 48))).ToArray());
        update["participants"] = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)Municipalities[i]).ToArray());
        var urlLength = 2000;
        NormalisationResult result;
        do
        {
            update["links"] = Links(20, urlLength, new string('€', 200));
            result = Normalise(update.ToJsonString());
            urlLength -= 25;
        }
        while (!result.IsValid && urlLength > 100);

        Assert.True(result.IsValid, Describe(result));
        var stored = NormalisedUpdate.Create(Ids.NewId(), "nacka-diarium-med-ett-mycket-langt-namn-som-fyller-sextiofyra-t", Nacka, result.Update!, Now);
        var json = JsonSerializer.Serialize(stored, HubJson.Options);
        Assert.True(json.Length <= 32_768, $"The stored JSON is {json.Length} UTF-16 characters; a table string property holds 32,768.");
        var cloudEvent = OutboundEvent.From(stored, long.MaxValue);
        Assert.True(cloudEvent.Body.Length <= 64 * 1024, $"The CloudEvent is {cloudEvent.Body.Length} bytes; a storage-queue message holds 65,536.");
        var delivery = new WebhookDeliveryMessage("partner-" + new string('p', 55), stored.Id, "https://" + new string('h', 1990), 8, Encoding.UTF8.GetString(cloudEvent.Body.Span), Now).ToJson();
        Assert.True(Encoding.UTF8.GetByteCount(delivery) <= 64 * 1024, $"A webhook delivery message is {Encoding.UTF8.GetByteCount(delivery)} bytes; a storage-queue message holds 65,536.");
    }

    [Fact]
    public void AnUpdateWithAThousandBadFields_ListsFifty_AndCountsTheRest()
    {
        var update = Valid();
        update["links"] = Links(20, 100);
        update["participants"] = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)$"Atlantis {i}").ToArray());
        update["tags"] = new JsonArray(Enumerable.Range(0, 20).Select(_ => (JsonNode)42).ToArray());
        var result = Normalise(update.ToJsonString());
        Assert.Equal(Problem.MaxListedParameters, result.Errors.Count);
        Assert.Equal(120 - 50, result.OmittedErrors);

        var problem = Problem.Invalid(result.Errors, result.OmittedErrors);
        Assert.Equal(50, problem.InvalidParameters.Count);
        Assert.Equal(70, problem.OmittedParameters);
        Assert.Contains("120 field(s) failed", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("70 more", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("haninge-integration", true)]
    [InlineData("a1-b2-c3", true)]
    [InlineData("ab", false)]
    [InlineData("a--b", false)]
    [InlineData("-abc", false)]
    [InlineData("abc-", false)]
    [InlineData("Abc", false)]
    [InlineData("ab_c", false)]
    public void PartnerIds_FollowTheQueueNameSyntax(string id, bool valid) => Assert.Equal(valid, Ids.IsPartnerId(id));

    [Fact]
    public void PartnerIds_AreAtMost55Characters_SoPartnerDashIdIsAQueueName()
    {
        Assert.True(Ids.IsPartnerId(new string('p', 55)));
        Assert.False(Ids.IsPartnerId(new string('p', 56)));
        Assert.True(("partner-" + new string('p', 55)).Length <= 63);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>
/// The requests a new user found answering 500 (many long links, a long summary of 'ö', hundreds of tags and
/// participants, partner ids no queue may carry), over HTTP against Azurite: each is now a 422 naming the field, kept
/// as a rejection where it came from a source.
/// </summary>
public sealed class LimitsHttpTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static string[] Fields(JsonElement problem) =>
        problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()!).ToArray();

    private static JsonObject Update(string externalId) => JsonNode.Parse(Payloads.Canonical(externalId, collaboration: "limits-samverkan"))!.AsObject();

    private static JsonArray Links(int count, int urlLength) =>
        new(Enumerable.Range(0, count).Select(i =>
        {
            var head = $"https://www.nacka.se/protokoll/{i:D2}/";
            return (JsonNode)new JsonObject { ["title"] = "Protokoll", ["url"] = head + new string('a', urlLength - head.Length) };
        }).ToArray());

    private async Task<JsonElement> RejectedAsync(RegisteredSource source, JsonObject update)
    {
        using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, update.ToJsonString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await JsonAsync(response);
    }

    [Fact]
    public async Task SixtyLinksOf2KB_And40WithALongSummary_Are422sNamingLinks_KeptAsRejections()
    {
        var source = await hub.RegisterSourceAsync("nacka-limits-links");
        var sixty = Update("LIM-1");
        sixty["links"] = Links(60, 2000);
        Assert.Equal(["links"], Fields(await RejectedAsync(source, sixty)));

        var forty = Update("LIM-2");
        forty["links"] = Links(40, 2000);
        forty["summary"] = new string('ö', 4000);
        Assert.Equal(["links"], Fields(await RejectedAsync(source, forty)));

        // Within every single limit, too large in sum: still a 422, naming the field that makes it large.
        var twenty = Update("LIM-3");
        twenty["links"] = Links(20, 2000);
        twenty["summary"] = new string('ö', 4000);
        var large = await RejectedAsync(source, twenty);
        Assert.Equal(["links"], Fields(large));
        Assert.Contains("every partner channel", large.GetProperty("invalid-parameters")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var list = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        var rejections = (await JsonAsync(await hub.Client.SendAsync(list))).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([422, 422, 422], rejections.Select(r => r.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task FiveHundredTags_AndAThousandParticipants_AreA422NamingBoth()
    {
        var source = await hub.RegisterSourceAsync("nacka-limits-lists");
        var update = Update("LIM-4");
        update["tags"] = new JsonArray(Enumerable.Range(0, 500).Select(i => (JsonNode)$"tagg-{i}").ToArray());
        update["participants"] = new JsonArray(Enumerable.Range(0, 1000).Select(_ => (JsonNode)"0136").ToArray());
        Assert.Equal(["participants", "tags"], Fields(await RejectedAsync(source, update)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AHundredAndTwentyBadFields_ListFifty_AndCountTheRest()
    {
        var source = await hub.RegisterSourceAsync("nacka-limits-many");
        var update = Update("LIM-5");
        update["participants"] = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)$"Atlantis {i}").ToArray());
        update["links"] = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode)$"http://www.nacka.se/{i}").ToArray());
        var problem = await RejectedAsync(source, update);
        Assert.Equal(50, problem.GetProperty("invalid-parameters").GetArrayLength());
        Assert.Equal(70, problem.GetProperty("invalid-parameters-omitted").GetInt32());
        Assert.Contains("120 field(s) failed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLargestUpdate_WithinTheLimits_IsAccepted_AndReadBackWhole()
    {
        var source = await hub.RegisterSourceAsync("nacka-limits-largest");
        var update = Update("LIM-6");
        update["links"] = Links(20, 1200);
        update["summary"] = new string('ö', 4000);
        update["tags"] = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode)($"{i:D2}" + new string('t', 48))).ToArray());
        using var post = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, update.ToJsonString()));
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var id = (await JsonAsync(post)).GetProperty("id").GetString();

        var stored = await JsonAsync(await hub.Client.GetAsync($"/api/v1/updates/{id}"));
        Assert.Equal(20, stored.GetProperty("links").GetArrayLength());
        Assert.Equal(4000, stored.GetProperty("summary").GetString()!.Length);
        Assert.Equal(20, stored.GetProperty("tags").GetArrayLength());
    }

    [Theory]
    [InlineData("a--b")]
    [InlineData("haninge-")]
    [InlineData("-haninge")]
    [InlineData("pppppppppppppppppppppppppppppppppppppppppppppppppppppppp")]
    public async Task PartnerIds_NoQueueMayCarry_AreA422NamingTheId(string partnerId)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{partnerId}", new { organisation = "0136", channels = new[] { new { type = "queue" } } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["partnerId"], Fields(await JsonAsync(response)));
    }

    [Theory]
    [InlineData("9998-12")]
    [InlineData("9999-12")]
    [InlineData("0000-01")]
    [InlineData("2026-13")]
    public async Task DigestOfAMonthAtOrPastTheCalendarsEdge_IsA4xxProblem_NeverA500(string month)
    {
        using (var put = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/haninge-edge", new { organisation = "0136", channels = new[] { new { type = "queue" } } })))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/partners/haninge-edge/digests/{month}"));
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)response.StatusCode, (await JsonAsync(response)).GetProperty("status").GetInt32());
    }
}

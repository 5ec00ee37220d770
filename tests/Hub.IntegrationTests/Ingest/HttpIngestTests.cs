using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>Ingest over real HTTP through Hub.Local into a real Azurite.</summary>
public sealed class HttpIngestTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task SignedPost_ThenGetUpdate_ReturnsItNormalised()
    {
        var source = await hub.RegisterSourceAsync("nacka-diarium-signed");
        using var post = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical()));
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var accepted = await JsonAsync(post);
        var id = accepted.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/updates/{id}", post.Headers.Location!.ToString());

        var update = await JsonAsync(await hub.Client.GetAsync($"/api/v1/updates/{id}"));
        Assert.Equal("nacka-diarium-signed", update.GetProperty("sourceId").GetString());
        Assert.Equal("0182", update.GetProperty("organisation").GetString());
        Assert.Equal("2026-03-19T08:00:00Z", update.GetProperty("occurredAt").GetString());
        Assert.Equal(["0127", "0136", "0138", "0182"], update.GetProperty("participants").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("Beslut om gemensam upphandling av e-arkiv", update.GetProperty("title").GetString());
    }

    [Fact]
    public async Task BearerPosts_CollaborationAndTimeline_ReadNewestFirstWithFirstAndLastActivity()
    {
        var source = await hub.RegisterSourceAsync("huddinge-arende", "0126");
        foreach (var (key, at) in new[] { ("H-1", "2026-02-01T10:00:00Z"), ("H-3", "2026-04-01T10:00:00Z"), ("H-2", "2026-03-01T10:00:00Z") })
        {
            using var r = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical(key, "vaxa-tillsammans", "status-report", at)));
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var timeline = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations/vaxa-tillsammans/updates"));
        Assert.Equal(["H-3", "H-2", "H-1"], timeline.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("externalId").GetString()));

        var collaboration = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations/vaxa-tillsammans"));
        Assert.Equal("2026-02-01T10:00:00Z", collaboration.GetProperty("firstActivity").GetString());
        Assert.Equal("2026-04-01T10:00:00Z", collaboration.GetProperty("lastActivity").GetString());
        Assert.Equal(3, collaboration.GetProperty("updateCount").GetInt32());
        Assert.Contains("0126", collaboration.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("organisation").GetString()));

        var list = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations?participant=Huddinge&area=digitalisering"));
        Assert.Contains("vaxa-tillsammans", list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task TwentyConcurrentIdenticalPosts_StoreOneUpdate_AndAllAnswerWithItsId()
    {
        var source = await hub.RegisterSourceAsync("botkyrka-samtidigt", "0127");
        var body = Payloads.Canonical("B-CONCURRENT-1", "samtidig-samverkan");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body))));
        var answers = await Task.WhenAll(responses.Select(JsonAsync));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Single(answers.Select(a => a.GetProperty("id").GetString()).Distinct());
        Assert.Equal(19, answers.Count(a => a.TryGetProperty("duplicate", out var d) && d.GetBoolean()));

        var timeline = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations/samtidig-samverkan/updates"));
        Assert.Single(timeline.GetProperty("items").EnumerateArray());
        var collaboration = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations/samtidig-samverkan"));
        Assert.Equal(1, collaboration.GetProperty("updateCount").GetInt32());
    }

    [Fact]
    public async Task ReplayedSignedRequest_AnswersDuplicateWithTheFirstId()
    {
        var source = await hub.RegisterSourceAsync("nacka-replay");
        var body = Payloads.Canonical(externalId: null, collaboration: "replay-samverkan");
        var first = await JsonAsync(await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, body, "msg_replayed")));
        using var replay = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, body, "msg_replayed"));
        var second = await JsonAsync(replay);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.True(second.GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task UnknownSourceAndWrongKey_AnswerTheSame401()
    {
        var source = await hub.RegisterSourceAsync("nacka-auth");
        using var wrongKey = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, "mhk_not-the-key", Payloads.Canonical()));
        using var unknown = await hub.Client.SendAsync(LocalHubFixture.WithKey("no-such-source", "mhk_not-the-key", Payloads.Canonical()));
        using var wrongSecret = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, "whsec_" + Convert.ToBase64String(new byte[32]), Payloads.Canonical()));
        using var expired = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical(), at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        foreach (var response in new[] { wrongKey, unknown, wrongSecret, expired })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        // The same problem, but for the path each request named (its instance).
        var known = await wrongKey.Content.ReadAsStringAsync();
        var unknownText = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("\"instance\":\"/api/v1/sources/no-such-source/updates\"", unknownText);
        Assert.Equal(known.Replace("/sources/nacka-auth/", "/sources/no-such-source/", StringComparison.Ordinal), unknownText);
    }

    [Fact]
    public async Task RotatedSecret_OldAndNewBothVerify()
    {
        var source = await hub.RegisterSourceAsync("nacka-rotation");
        var rotated = await JsonAsync(await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/secrets")));
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(source.Secret, newSecret);

        using var withOld = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical("R-1", "rotation-samverkan")));
        using var withNew = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, newSecret, Payloads.Canonical("R-2", "rotation-samverkan")));
        Assert.Equal(HttpStatusCode.Accepted, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, withNew.StatusCode);
    }

    [Fact]
    public async Task SecondPut_UpdatesTheSource_WithoutShowingSecretsAgain_AndKeepsTheKey()
    {
        var source = await hub.RegisterSourceAsync("nacka-reput");
        using var again = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/sources/{source.Id}", new { organisation = "Nacka kommun", name = "Nacka diarium 2" }));
        var body = await JsonAsync(again);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(body.TryGetProperty("secret", out _));
        Assert.False(body.TryGetProperty("key", out _));
        Assert.Equal("Nacka diarium 2", body.GetProperty("name").GetString());

        using var post = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("RP-1", "reput-samverkan")));
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
    }

    [Fact]
    public async Task AdministrationWithoutAdminKey_Answers401()
    {
        using var response = await hub.Client.PutAsJsonAsync("/api/v1/admin/sources/sneaky", new { organisation = "0182", name = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvalidSourceRegistration_Answers422NamingEveryField()
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/sources/X!", new { organisation = "Atlantis", format = "xml" }));
        var problem = await JsonAsync(response);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["sourceId", "organisation", "name", "format"], problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()));
    }

    [Fact]
    public async Task BodyOver256KiB_Answers413_WhetherDeclaredOrChunked()
    {
        var source = await hub.RegisterSourceAsync("nacka-large");
        var large = "{\"title\":\"" + new string('a', 300 * 1024) + "\"}";
        using var declared = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, large));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);

        var chunked = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sources/{source.Id}/updates") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large))) };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        using var streamed = await hub.Client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    [Fact]
    public async Task WrongContentType_Answers415_AndUnreadableJson400_AndInvalid422_AllKeptAsRejections()
    {
        var source = await hub.RegisterSourceAsync("nacka-errors");
        using var unsupported = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, "<xml/>", "application/xml"));
        using var unreadable = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, "{\"title\":"));
        using var invalid = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, """{"kind":"okänt","occurredAt":"igår","participants":["Atlantis"]}"""));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var problem = await JsonAsync(invalid);
        var fields = problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()).ToArray();
        Assert.Contains("collaboration", fields);
        Assert.Contains("kind", fields);
        Assert.Contains("title", fields);
        Assert.Contains("occurredAt", fields);
        Assert.Contains("participants[0]", fields);

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        var rejections = (await JsonAsync(await hub.Client.SendAsync(request))).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([422, 400, 415], rejections.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Contains("okänt", rejections[0].GetProperty("body").GetString());
    }

    [Fact]
    public async Task Rejections_OfAnotherSource_AreNotShownWithThisSourcesKey()
    {
        var mine = await hub.RegisterSourceAsync("nacka-mine");
        var theirs = await hub.RegisterSourceAsync("huddinge-theirs", "0126");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sources/{theirs.Id}/rejections");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mine.Key);
        using var response = await hub.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CloudEventsStructuredAndBinary_AreStored_WithTheEventIdAsIdempotencyKey()
    {
        var source = await hub.RegisterSourceAsync("nacka-cloudevents");
        var update = JsonSerializer.Deserialize<Dictionary<string, object?>>(Payloads.Canonical(externalId: null, collaboration: "ce-samverkan"))!;
        var structured = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["specversion"] = "1.0", ["id"] = "ce-1", ["source"] = "/nacka/diarium", ["type"] = "se.nacka.arende", ["datacontenttype"] = "application/json", ["data"] = update,
        });
        using var first = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, structured, "application/cloudevents+json"));
        using var again = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, structured, "application/cloudevents+json"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var binary = LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical(externalId: null, collaboration: "ce-samverkan"));
        binary.Headers.Add("ce-specversion", "1.0");
        binary.Headers.Add("ce-id", "ce-2");
        binary.Headers.Add("ce-source", "/nacka/diarium");
        binary.Headers.Add("ce-type", "se.nacka.arende");
        using var binaryResponse = await hub.Client.SendAsync(binary);
        Assert.Equal(HttpStatusCode.Accepted, binaryResponse.StatusCode);

        var timeline = await JsonAsync(await hub.Client.GetAsync("/api/v1/collaborations/ce-samverkan/updates"));
        Assert.Equal(2, timeline.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task GetUnknownUpdate_Answers404Problem()
    {
        using var response = await hub.Client.GetAsync("/api/v1/updates/aaaaaaaaaaaaaaaaaaaaaaaaaa");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task MetaEndpoints_AnswerHealthyApiInfoAndOpenApi()
    {
        var health = await JsonAsync(await hub.Client.GetAsync("/api/v1/health"));
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        var info = await JsonAsync(await hub.Client.GetAsync("/api/v1/api-info"));
        Assert.Equal("mellanrum-hub", info.GetProperty("apiName").GetString());
        Assert.Equal("/api/v1/openapi", info.GetProperty("apiDocumentation").GetString());
        using var served = await hub.Client.GetAsync("/api/v1/openapi");
        var openApi = await JsonAsync(served);
        Assert.StartsWith("3.1.", openApi.GetProperty("openapi").GetString());
        using var alias = await hub.Client.GetAsync("/api/v1/openapi.json");
        Assert.Equal(await served.Content.ReadAsStringAsync(), await alias.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BadPaging_Answers400NamingTheParameters()
    {
        using var response = await hub.Client.GetAsync("/api/v1/collaborations?limit=0&offset=-1");
        var problem = await JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["limit", "offset"], problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()));
    }
}

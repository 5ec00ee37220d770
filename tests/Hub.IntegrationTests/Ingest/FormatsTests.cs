using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>Every accepted format, posted through Hub.Local, lands as the same canonical update.</summary>
public sealed class FormatsTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private static readonly JsonObject Canonical = new()
    {
        ["collaboration"] = "format-samverkan",
        ["kind"] = "decision",
        ["title"] = "Beslut om gemensam upphandling av e-arkiv",
        ["summary"] = "KS beslutade att delta.",
        ["status"] = "active",
        ["area"] = "digitalisering",
        ["participants"] = new JsonArray("0127", "0136"),
        ["occurredAt"] = "2026-03-19T09:00:00+01:00",
    };

    private static readonly object Profile = new
    {
        fields = new Dictionary<string, string>
        {
            ["externalId"] = "/arende/id", ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik",
            ["summary"] = "/beskrivning", ["occurredAt"] = "/datum", ["participants"] = "/kommuner", ["status"] = "/status",
        },
        values = new Dictionary<string, Dictionary<string, string>> { ["kind"] = new() { ["Beslut"] = "decision" }, ["status"] = new() { ["Pågår"] = "active" } },
        defaults = new Dictionary<string, string> { ["area"] = "digitalisering" },
    };

    private static string Diarium(string id, string typ = "Beslut", string collaboration = "format-samverkan") => JsonSerializer.Serialize(new
    {
        arende = new { id, handlaggare = "Kommunledningskontoret" },
        projekt = new { kod = collaboration },
        typ,
        rubrik = "Beslut om gemensam upphandling av e-arkiv",
        beskrivning = "<p>KS beslutade <b>att delta</b>.</p>",
        datum = "2026-03-19 09:00",
        kommuner = new[] { "Botkyrka", "HANINGE kommun" },
        status = "pågår",
    });

    private static string With(string externalId)
    {
        var copy = Canonical.DeepClone().AsObject();
        copy["externalId"] = externalId;
        return copy.ToJsonString();
    }

    private async Task<JsonElement> StoredAsync(HttpResponseMessage response)
    {
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return await hub.Client.GetFromJsonAsync<JsonElement>($"/api/v1/updates/{answer.GetProperty("id").GetString()}");
    }

    private async Task<JsonElement> RejectionsAsync(string sourceId)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{sourceId}/rejections"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
    }

    /// <summary>What must be equal whatever the format: everything but identity and receipt.</summary>
    private static string Essence(JsonElement update)
    {
        var node = JsonNode.Parse(update.GetRawText())!.AsObject();
        foreach (var key in new[] { "id", "sourceId", "externalId", "receivedAt" })
        {
            node.Remove(key);
        }

        return node.ToJsonString();
    }

    [Fact]
    public async Task EveryFormat_ThroughHubLocal_LandsAsTheSameCanonicalUpdate()
    {
        var canonicalSource = await hub.RegisterSourceAsync("nacka-format", "0182", new { queueIngest = true });
        var profileSource = await hub.RegisterSourceAsync("nacka-diarium-format", "0182", new { format = "profile", profile = Profile });

        var json = await StoredAsync(await hub.Client.SendAsync(LocalHubFixture.Signed(canonicalSource.Id, canonicalSource.Secret, With("F-1"))));

        var structured = new JsonObject { ["specversion"] = "1.0", ["id"] = "F-2", ["source"] = "/nacka", ["type"] = "se.nacka.arende", ["data"] = Canonical.DeepClone() };
        var cloudEvent = await StoredAsync(await hub.Client.SendAsync(LocalHubFixture.WithKey(canonicalSource.Id, canonicalSource.Key, structured.ToJsonString(), "application/cloudevents+json")));

        var binaryRequest = LocalHubFixture.WithKey(canonicalSource.Id, canonicalSource.Key, Canonical.ToJsonString());
        binaryRequest.Headers.Add("ce-specversion", "1.0");
        binaryRequest.Headers.Add("ce-id", "F-3");
        binaryRequest.Headers.Add("ce-source", "/nacka");
        binaryRequest.Headers.Add("ce-type", "se.nacka.arende");
        var binary = await StoredAsync(await hub.Client.SendAsync(binaryRequest));

        var mapped = await StoredAsync(await hub.Client.SendAsync(LocalHubFixture.Signed(profileSource.Id, profileSource.Secret, Diarium("KS 2026/42"))));

        var queue = new QueueClient(hub.Azurite.ConnectionString, "inbound-updates");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync($$"""{"sourceId":"nacka-format","contentType":"application/json","body":{{With("F-5")}}}""");
        var fromQueue = await LocalHubFixture.EventuallyAsync(async () =>
        {
            var page = await hub.Client.GetFromJsonAsync<JsonElement>("/api/v1/collaborations/format-samverkan/updates");
            return page.GetProperty("items").EnumerateArray().FirstOrDefault(u => u.TryGetProperty("externalId", out var e) && e.GetString() == "F-5") is { ValueKind: JsonValueKind.Object } u ? (JsonElement?)u : null;
        }, what: "the queued update");

        var expected = Essence(json);
        Assert.Equal("2026-03-19T08:00:00Z", json.GetProperty("occurredAt").GetString());
        Assert.Equal(["0127", "0136", "0182"], json.GetProperty("participants").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(expected, Essence(cloudEvent));
        Assert.Equal(expected, Essence(binary));
        Assert.Equal(expected, Essence(mapped));
        Assert.Equal(expected, Essence(fromQueue!.Value));
        Assert.Equal("KS 2026/42", mapped.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task BadProfilePayload_Answers422NamingEveryField_IsKept_AndRetryAfterFixingTheProfileStoresIt()
    {
        var source = await hub.RegisterSourceAsync("huddinge-diarium-retry", "0126", new { format = "profile", profile = Profile });

        // The diarium starts sending "Informationsärende", which neither the profile nor the vocabulary knows, and renames its date field.
        var payload = JsonNode.Parse(Diarium("KS 2026/77", typ: "Informationsärende", collaboration: "huddinge-retry-samverkan"))!.AsObject();
        payload.Remove("datum");
        payload["beslutsdatum"] = "2026-03-19 09:00";
        using var refused = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, payload.ToJsonString()));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var fields = problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()).ToArray();
        Assert.Contains("kind", fields);
        Assert.Contains("occurredAt", fields);

        var rejection = (await RejectionsAsync(source.Id))[0];
        Assert.Contains("Informations", rejection.GetProperty("body").GetString());

        // The operator maps the new word and points occurredAt at the renamed field.
        var fixedWords = new
        {
            fields = new Dictionary<string, string>
            {
                ["externalId"] = "/arende/id", ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik",
                ["summary"] = "/beskrivning", ["participants"] = "/kommuner", ["status"] = "/status", ["occurredAt"] = "/beslutsdatum",
            },
            values = new Dictionary<string, Dictionary<string, string>> { ["kind"] = new() { ["Beslut"] = "decision", ["Informationsärende"] = "document" } },
            defaults = new Dictionary<string, string> { ["area"] = "digitalisering" },
        };
        using var put = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/sources/{source.Id}", new { organisation = "0126", name = "Huddinge diarium", format = "profile", profile = fixedWords }));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        using var retry = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/sources/{source.Id}/rejections/{rejection.GetProperty("id").GetString()}/retry"));
        var stored = await StoredAsync(retry);
        Assert.Equal("document", stored.GetProperty("kind").GetString());
        Assert.Equal("2026-03-19T08:00:00Z", stored.GetProperty("occurredAt").GetString());

        var after = (await RejectionsAsync(source.Id))[0];
        Assert.Equal("resolved", after.GetProperty("state").GetString());
        Assert.Equal(stored.GetProperty("id").GetString(), after.GetProperty("updateId").GetString());
    }

    [Fact]
    public async Task ProfilePointingAtUnknownWords_IsRefusedWhenSaved()
    {
        var broken = new
        {
            fields = new Dictionary<string, string> { ["rubrik"] = "/rubrik", ["kind"] = "typ" },
            values = new Dictionary<string, Dictionary<string, string>> { ["kind"] = new() { ["Beslut"] = "decison" } },
        };
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/sources/broken-profile", new { organisation = "0182", name = "Trasig", format = "profile", profile = broken }));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var fields = problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()).ToArray();
        Assert.Contains("profile.fields.rubrik", fields);
        Assert.Contains("profile.fields.kind", fields);
        Assert.Contains("profile.values.kind.Beslut", fields);
    }

    [Fact]
    public async Task PersonnummerInAnUpdate_IsRefusedNamingTheField_WithoutEchoingTheNumber()
    {
        var source = await hub.RegisterSourceAsync("nacka-pnr", "0182");
        var update = Canonical.DeepClone().AsObject();
        update["summary"] = "Kontaktperson 19121212-1212 har utsetts.";
        using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, update.ToJsonString()));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"summary\"", body);
        Assert.DoesNotContain("1212-1212", body);
        Assert.DoesNotContain("121212", body);
    }
}

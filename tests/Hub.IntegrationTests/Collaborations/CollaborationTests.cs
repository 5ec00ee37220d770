using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Collaborations;

/// <summary>Collaborations of their own through Hub.Local on Azurite: only members speak for them.</summary>
public sealed class CollaborationTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private static string Update(string externalId, string collaboration, string title, string[] participants, string occurredAt = "2026-03-19T09:00:00+01:00", string? status = "active", object? links = null, string? collaborationName = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["externalId"] = externalId,
            ["collaboration"] = collaboration,
            ["collaborationName"] = collaborationName,
            ["kind"] = "decision",
            ["title"] = title,
            ["status"] = status,
            ["area"] = "digitalisering",
            ["participants"] = participants,
            ["occurredAt"] = occurredAt,
            ["links"] = links,
        });

    private async Task<HttpResponseMessage> PostAsync(RegisteredSource source, string body) =>
        await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body));

    private async Task<JsonElement> CollaborationAsync(string id, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/collaborations/{id}");
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await hub.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Members(JsonElement collaboration) =>
        [.. collaboration.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("organisation").GetString()!)];

    private async Task RegisterQueuePartnerAsync(string id, string organisation)
    {
        using var response = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels = new[] { new { type = "queue" } } }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The ids of the events about <paramref name="collaboration"/> waiting on a partner's queue (other tests' events aside).</summary>
    private async Task<string[]> QueuedIdsAsync(string queueName, string collaboration)
    {
        var queue = new QueueClient(hub.Azurite.ConnectionString, queueName);
        await queue.CreateIfNotExistsAsync();
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return
        [
            .. messages.Select(m => JsonDocument.Parse(m.MessageText).RootElement)
                .Where(e => e.GetProperty("subject").GetString() == collaboration)
                .Select(e => e.GetProperty("id").GetString()!),
        ];
    }

    [Fact]
    public async Task Hijack_ByAStrangersSource_Is403_AndChangesNothing()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-hijack", "0182");
        var vasby = await hub.RegisterSourceAsync("vasby-hijack", "0114");
        await RegisterQueuePartnerAsync("stockholm-hijack", "0180");
        await RegisterQueuePartnerAsync("haninge-hijack", "0136");
        using (var created = await PostAsync(nacka, Update("HJ-1", "e-arkiv-hijack", "Beslut om gemensam upphandling av e-arkiv", ["0136", "0127"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        using var hijack = await PostAsync(vasby, """{"kind":"decision","collaboration":"e-arkiv-hijack","title":"Avslutat","status":"cancelled","occurredAt":"2026-04-01T09:00:00Z","participants":["0180"],"links":[{"url":"https://attacker.example/login"}]}""");
        var problem = await hijack.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, hijack.StatusCode);
        Assert.Equal("application/problem+json", hijack.Content.Headers.ContentType!.MediaType);
        Assert.Equal("collaboration", problem.GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
        var collaboration = await CollaborationAsync("e-arkiv-hijack");
        Assert.Equal("Beslut om gemensam upphandling av e-arkiv", collaboration.GetProperty("name").GetString());
        Assert.Equal("active", collaboration.GetProperty("status").GetString());
        Assert.Equal("0182", collaboration.GetProperty("owner").GetString());
        Assert.Equal(["0127", "0136", "0182"], Members(collaboration));
        Assert.Equal(1, collaboration.GetProperty("updateCount").GetInt32());

        // An operator sees who tried: the refused payload is kept as the stranger's rejection, with its reason.
        using var rejections = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{vasby.Id}/rejections"));
        var rejection = (await rejections.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0];
        Assert.Equal(403, rejection.GetProperty("status").GetInt32());
        Assert.Equal("collaboration", rejection.GetProperty("reasons")[0].GetProperty("property").GetString());

        // Nacka's next update reaches Haninge's partner; Stockholm's partner, named only by the stranger, got nothing.
        using (var next = await PostAsync(nacka, Update("HJ-2", "e-arkiv-hijack", "Kravställningen klar", ["0136"], "2026-03-20T09:00:00+01:00")))
        {
            Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        }

        await LocalHubFixture.EventuallyAsync(async () => (await QueuedIdsAsync("partner-haninge-hijack", "e-arkiv-hijack")).Length == 2 ? "both" : null, what: "Haninge's two events");
        Assert.Empty(await QueuedIdsAsync("partner-stockholm-hijack", "e-arkiv-hijack"));
        Assert.Equal("Beslut om gemensam upphandling av e-arkiv", (await CollaborationAsync("e-arkiv-hijack")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task NameOfItsOwn_TheFirstUpdatesCollaborationName_LaterTitlesDoNotRenameIt()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-name", "0182");
        using (await PostAsync(nacka, Update("NM-1", "e-arkiv-namn", "Beslut om gemensam upphandling av e-arkiv", ["0136"], collaborationName: "E-arkiv Södertörn")))
        {
        }

        using (await PostAsync(nacka, Update("NM-2", "e-arkiv-namn", "Kravställningen klar", ["0136"], "2026-04-19T09:00:00+02:00")))
        {
        }

        var collaboration = await CollaborationAsync("e-arkiv-namn");
        Assert.Equal("E-arkiv Södertörn", collaboration.GetProperty("name").GetString());
        Assert.Equal(2, collaboration.GetProperty("updateCount").GetInt32());
    }

    [Fact]
    public async Task MemberNamedByTheOwner_MayPost_AndNameFurtherParticipants()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-named", "0182");
        var haninge = await hub.RegisterSourceAsync("haninge-named", "0136");
        using (var created = await PostAsync(nacka, Update("NA-1", "named-samverkan", "Start", ["0136"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        using var byMember = await PostAsync(haninge, Update("NA-2", "named-samverkan", "Haninge rapporterar", ["0138"], "2026-03-21T09:00:00+01:00", status: "paused"));

        Assert.Equal(HttpStatusCode.Accepted, byMember.StatusCode);
        var collaboration = await CollaborationAsync("named-samverkan");
        Assert.Equal(["0136", "0138", "0182"], Members(collaboration));
        Assert.Equal("paused", collaboration.GetProperty("status").GetString());
        Assert.Equal("0182", collaboration.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task ThousandOrganisationsInOneUpdate_Is422NamingParticipants_AndTheCollaborationStillWorks()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-thousand", "0182");
        using (var created = await PostAsync(nacka, Update("TH-1", "thousand-samverkan", "Start", ["0136"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        var thousand = Enumerable.Range(0, 1000).Select(Organisationsnummer).ToArray();
        using var huge = await PostAsync(nacka, Update("TH-2", "thousand-samverkan", "Alla", thousand, "2026-03-20T09:00:00+01:00"));
        var problem = await huge.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, huge.StatusCode);
        Assert.Contains("participants", problem.GetProperty("invalid-parameters").EnumerateArray().Select(p => p.GetProperty("property").GetString()!.Split('[')[0]));
        using var next = await PostAsync(nacka, Update("TH-3", "thousand-samverkan", "Nästa", ["0138"], "2026-03-21T09:00:00+01:00"));
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var collaboration = await CollaborationAsync("thousand-samverkan");
        Assert.Equal(["0136", "0138", "0182"], Members(collaboration));
        Assert.Equal(2, collaboration.GetProperty("updateCount").GetInt32());
    }

    [Fact]
    public async Task PutAndRemoveMember_FollowTheRules()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-put", "0182");
        var haninge = await hub.RegisterSourceAsync("haninge-put", "0136");
        var vasby = await hub.RegisterSourceAsync("vasby-put", "0114");
        using (await PostAsync(nacka, Update("PT-1", "put-samverkan", "Start", ["0136"])))
        {
        }

        Assert.Equal(HttpStatusCode.OK, (await PutAsync("put-samverkan", haninge.Key, new { name = "Gemensam e-arkivnämnd", form = "gemensam-namnd" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync("put-samverkan", vasby.Key, new { name = "Avslutat" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync("put-samverkan", haninge.Key, new { owner = "0136" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PutAsync("put-samverkan", nacka.Key, new { form = "klubb" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await DeleteMemberAsync("put-samverkan", "0182", nacka.Key)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeleteMemberAsync("put-samverkan", "0136", vasby.Key)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PutAsync("put-samverkan", nacka.Key, new { owner = "0136" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DeleteMemberAsync("put-samverkan", "0182", nacka.Key)).StatusCode);

        var collaboration = await CollaborationAsync("put-samverkan");
        Assert.Equal("Gemensam e-arkivnämnd", collaboration.GetProperty("name").GetString());
        Assert.Equal("gemensam-namnd", collaboration.GetProperty("form").GetString());
        Assert.Equal("0136", collaboration.GetProperty("owner").GetString());
        Assert.Equal(["0136"], Members(collaboration));

        // Nacka left: its source no longer speaks for the collaboration.
        using var afterLeaving = await PostAsync(nacka, Update("PT-2", "put-samverkan", "Efteråt", ["0136"], "2026-03-22T09:00:00+01:00"));
        Assert.Equal(HttpStatusCode.Forbidden, afterLeaving.StatusCode);
    }

    [Fact]
    public async Task NotPublic_HiddenFromAnonymousReads_SeenByMembers()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-hidden", "0182");
        using var posted = await PostAsync(nacka, Update("HD-1", "hidden-samverkan", "Internt", ["0136"]));
        var updateId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("hidden-samverkan", nacka.Key, new { @public = false })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await hub.Client.GetAsync("/api/v1/collaborations/hidden-samverkan")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Client.GetAsync("/api/v1/collaborations/hidden-samverkan/updates")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Client.GetAsync($"/api/v1/updates/{updateId}")).StatusCode);
        var list = await hub.Client.GetFromJsonAsync<JsonElement>("/api/v1/collaborations?member=0182&limit=100");
        Assert.DoesNotContain("hidden-samverkan", list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        Assert.False((await CollaborationAsync("hidden-samverkan", nacka.Key)).GetProperty("public").GetBoolean());
        Assert.False((await CollaborationAsync("hidden-samverkan", LocalHubFixture.AdminKey)).GetProperty("public").GetBoolean());
    }

    [Fact]
    public async Task CollaborationOfTheFirstVersion_IsCarriedOver_OwnerNameAndMembersFromItsRows()
    {
        // The rows exactly as the hub wrote them before collaborations were objects of their own.
        var storage = hub.App.Services.GetRequiredService<HubStorage>();
        var first = NormalisedUpdate.Create(Ids.NewId(), "tyreso-gammal", "0138",
            new CanonicalUpdate("OLD-1", "gammal-samverkan", "decision", "Gemensam överförmyndare", null, "active", "social-valfard", ["0136", "0182"], DateTimeOffset.Parse("2025-05-01T08:00:00Z"), [], []),
            DateTimeOffset.Parse("2025-05-01T08:00:05Z"));
        var second = NormalisedUpdate.Create(Ids.NewId(), "nacka-gammal", "0182",
            new CanonicalUpdate("OLD-2", "gammal-samverkan", "status-report", "Lägesrapport", null, "active", "social-valfard", ["0127"], DateTimeOffset.Parse("2025-06-01T08:00:00Z"), [], []),
            DateTimeOffset.Parse("2025-06-01T08:00:05Z"));
        var updates = await storage.TableAsync(HubStorage.UpdatesTable);
        var timeline = await storage.TableAsync(HubStorage.TimelineTable);
        foreach (var (update, sequence) in new[] { (first, 1L), (second, 2L) })
        {
            var json = JsonSerializer.Serialize(update, HubJson.Options);
            await updates.AddEntityAsync(new TableEntity(update.Id, "u") { ["Json"] = json, ["Sequence"] = sequence, ["FanoutState"] = "done", ["Collaboration"] = update.Collaboration });
            await timeline.AddEntityAsync(new TableEntity(update.Collaboration, ReverseChronological.Key(update.OccurredAt) + "-" + update.Id) { ["UpdateId"] = update.Id, ["Json"] = json });
        }

        var collaborations = await storage.TableAsync(HubStorage.CollaborationsTable);
        await collaborations.AddEntityAsync(new TableEntity("gammal-samverkan", "c")
        {
            ["Title"] = "Lägesrapport",
            ["FirstActivity"] = first.OccurredAt,
            ["LastActivity"] = second.OccurredAt,
            ["Participants"] = """["0127","0136","0138","0182"]""",
            ["UpdateCount"] = 2,
            ["LastSequence"] = 2L,
            ["FannedOut"] = 2L,
            ["Area"] = "social-valfard",
            ["Status"] = "active",
        });

        var carried = await CollaborationAsync("gammal-samverkan");

        Assert.Equal("0138", carried.GetProperty("owner").GetString());
        Assert.Equal("Gemensam överförmyndare", carried.GetProperty("name").GetString());
        Assert.Equal(["0127", "0136", "0138", "0182"], Members(carried));
        Assert.Equal(2, carried.GetProperty("updateCount").GetInt32());

        // Its next update continues the sequence, and only members speak for it.
        var nacka = await hub.RegisterSourceAsync("nacka-gammal-ny", "0182");
        using var next = await PostAsync(nacka, Update("OLD-3", "gammal-samverkan", "Fortsättning", ["0136"], "2025-07-01T10:00:00+02:00"));
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var stored = await hub.App.Services.GetRequiredService<UpdateStore>().GetStoredAsync((await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, CancellationToken.None);
        Assert.Equal(3, stored!.Sequence);
    }

    [Fact]
    public async Task UpdateThatTookItsNumber_ThenFailedBeforeSavingIt_IsCountedOnce_WhenTheFanoutRecordsItAgain()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-once", "0182");
        await RegisterQueuePartnerAsync("tyreso-once", "0138");
        using (var first = await PostAsync(nacka, Update("ONCE-1", "raknas-en-gang", "Beslut", ["0138"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        // The second update as a post cut off by a failure leaves it: stored, its number taken in the collaboration,
        // but not yet saved on the update, and its fan-out owed (as the sweep finds it after its grace).
        var second = NormalisedUpdate.Create(Ids.NewId(), nacka.Id, "0182",
            new CanonicalUpdate("ONCE-2", "raknas-en-gang", "status-report", "Lägesrapport", null, "active", "digitalisering", ["0138"], DateTimeOffset.Parse("2026-03-20T09:00:00+01:00"), [], []),
            DateTimeOffset.UtcNow);
        var ledger = hub.App.Services.GetRequiredService<Mellanrum.Hub.Delivery.FanoutLedger>();
        await ledger.OpenAsync(second.Id, CancellationToken.None);
        await hub.App.Services.GetRequiredService<UpdateStore>().InsertAsync(second, CancellationToken.None);
        Assert.Equal(2, (await hub.App.Services.GetRequiredService<CollaborationStore>().RecordAsync(second, null, CancellationToken.None, justStored: true)).Sequence);
        await ledger.RequestAsync(second.Id, CancellationToken.None);

        // The fan-out records it again: the number it took, not a new one; the collaboration counts it once.
        var queue = new QueueClient(hub.Azurite.ConnectionString, "partner-tyreso-once");
        var delivered = await LocalHubFixture.EventuallyAsync(async () =>
        {
            await queue.CreateIfNotExistsAsync();
            return (await queue.PeekMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.MessageText).RootElement).FirstOrDefault(e => e.GetProperty("id").GetString() == second.Id) is { ValueKind: JsonValueKind.Object } e ? (JsonElement?)e : null;
        }, what: "the second update at Tyresö");
        Assert.Equal("2", delivered!.Value.GetProperty("sequence").GetString());
        Assert.Equal(2, (await CollaborationAsync("raknas-en-gang")).GetProperty("updateCount").GetInt32());

        using var third = await PostAsync(nacka, Update("ONCE-3", "raknas-en-gang", "Avtal", ["0138"], "2026-03-21T09:00:00+01:00"));
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
        var stored = await hub.App.Services.GetRequiredService<UpdateStore>().GetStoredAsync((await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, CancellationToken.None);
        Assert.Equal(3, stored!.Sequence);
        Assert.Equal(3, (await CollaborationAsync("raknas-en-gang")).GetProperty("updateCount").GetInt32());
    }

    [Fact]
    public async Task AddMember_ByAMembersSource_TheNewMemberSpeaksForIt_AndItsPartnerGetsTheNextUpdate()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-add", "0182");
        var haninge = await hub.RegisterSourceAsync("haninge-add", "0136");
        var tyreso = await hub.RegisterSourceAsync("tyreso-add", "0138");
        var vasby = await hub.RegisterSourceAsync("vasby-add", "0114");
        await RegisterQueuePartnerAsync("tyreso-add", "0138");
        using (var created = await PostAsync(nacka, Update("ADD-1", "lagg-till-samverkan", "Start", ["0136"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        // Before it is a member, Tyresö's source does not speak for it.
        using (var early = await PostAsync(tyreso, Update("ADD-T0", "lagg-till-samverkan", "För tidigt", ["0138"], "2026-03-20T09:00:00+01:00")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        }

        // Only a member's source (or the admin) adds; the organisation must be known.
        using (var anonymous = await MemberAsync(HttpMethod.Put, "lagg-till-samverkan", "0138", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var stranger = await MemberAsync(HttpMethod.Put, "lagg-till-samverkan", "0114", vasby.Key))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
            Assert.Equal("collaboration", (await stranger.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
        }

        using (var unknown = await MemberAsync(HttpMethod.Put, "lagg-till-samverkan", "9999", haninge.Key))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
            Assert.Equal("organisation", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invalid-parameters")[0].GetProperty("property").GetString());
        }

        using (var missing = await MemberAsync(HttpMethod.Put, "finns-inte-samverkan", "0138", LocalHubFixture.AdminKey))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // Haninge, a member, adds Tyresö by name; a second time changes nothing.
        using (var added = await MemberAsync(HttpMethod.Put, "lagg-till-samverkan", "Tyresö", haninge.Key))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal(["0136", "0138", "0182"], Members(await added.Content.ReadFromJsonAsync<JsonElement>()));
        }

        using (var again = await MemberAsync(HttpMethod.Put, "lagg-till-samverkan", "0138", LocalHubFixture.AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(["0136", "0138", "0182"], Members(await CollaborationAsync("lagg-till-samverkan")));

        // Tyresö now speaks for it, and its partner gets Nacka's next update, which does not name Tyresö.
        using (var own = await PostAsync(tyreso, Update("ADD-T1", "lagg-till-samverkan", "Tyresö med", ["0138"], "2026-03-21T09:00:00+01:00")))
        {
            Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        }

        using var next = await PostAsync(nacka, Update("ADD-2", "lagg-till-samverkan", "Nästa steg", ["0136"], "2026-03-22T09:00:00+01:00"));
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var nextId = (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await LocalHubFixture.EventuallyAsync(async () => (await QueuedIdsAsync("partner-tyreso-add", "lagg-till-samverkan")).Contains(nextId) ? "delivered" : null, what: "Nacka's next update at Tyresö");
    }

    [Fact]
    public async Task ListByQ_AnyInflectedFormOfAWordFindsTheOthers_OtherWordsDoNot()
    {
        var nacka = await hub.RegisterSourceAsync("nacka-sok", "0182");
        using (var created = await PostAsync(nacka, Update("SOK-1", "sok-reningsverk", "Start", ["0136"], collaborationName: "Gemensamma reningsverket i Kråkvik")))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        async Task<string[]> FoundAsync(string q)
        {
            using var response = await hub.Client.GetAsync($"/api/v1/collaborations?q={Uri.EscapeDataString(q)}&limit=100");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];
        }

        Assert.Contains("sok-reningsverk", await FoundAsync("reningsverk"));
        Assert.Contains("sok-reningsverk", await FoundAsync("Reningsverkens Kråkvik"));
        Assert.Contains("sok-reningsverk", await FoundAsync("kråkvik"));
        Assert.DoesNotContain("sok-reningsverk", await FoundAsync("reningsverk avlopp"));
        Assert.DoesNotContain("sok-reningsverk", await FoundAsync("vatten"));
    }

    [Fact]
    public async Task TwoUpdatesRacingPastTheMemberLimit_OneIsRecorded_TheOtherRefused_NoStrayMembers()
    {
        var store = hub.App.Services.GetRequiredService<CollaborationStore>();
        NormalisedUpdate Naming(int from, int count) => NormalisedUpdate.Create(Ids.NewId(), "nacka-limit", "0182",
            new CanonicalUpdate(null, "gransen-400", "status-report", "Fler medlemmar", null, "active", "digitalisering", [.. Enumerable.Range(from, count).Select(Organisationsnummer)], DateTimeOffset.Parse("2026-03-19T09:00:00+01:00"), [], []),
            DateTimeOffset.UtcNow);

        // 300 members: Nacka and 299 others, 99 at a time as the largest updates name them.
        foreach (var (from, count) in new[] { (0, 99), (99, 99), (198, 99), (297, 2) })
        {
            Assert.Null((await store.RecordAsync(Naming(from, count), null, CancellationToken.None, justStored: true)).Refused);
        }

        Assert.Equal(300, (await store.GetAsync("gransen-400", CancellationToken.None))!.Members.Count);

        // Two updates read the same state and each names 99 new members: either alone fits (399), both would make 498.
        var known = await store.ReadAsync("gransen-400", CancellationToken.None);
        var outcomes = await Task.WhenAll(
            store.RecordAsync(Naming(1000, 99), known, CancellationToken.None, justStored: true),
            store.RecordAsync(Naming(2000, 99), known, CancellationToken.None, justStored: true));

        Assert.Single(outcomes, o => o.Refused is null);
        var refused = Assert.Single(outcomes, o => o.Refused is not null).Refused!;
        Assert.Equal(422, refused.Status);
        Assert.Equal("participants", Assert.Single(refused.InvalidParameters).Property);
        var collaboration = await CollaborationAsync("gransen-400");
        Assert.Equal(399, collaboration.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Paging_ThousandCollaborationsByCursor_ReturnsEachExactlyOnce_EvenWhenActivityMovesMeanwhile()
    {
        var store = hub.App.Services.GetRequiredService<CollaborationStore>();
        var ids = Enumerable.Range(0, 1000).Select(i => $"paging-{i:D4}").ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            var (outcome, refused) = await store.PutAsync(id, Caller.Admin, new CollaborationChange(Name: "Sidor " + id, Owner: "2583", Area: "kultur-och-fritid"), ct);
            Assert.Null(refused);
            Assert.IsType<AdminOutcome<Collaboration>.Created>(outcome);
        });

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await hub.Client.GetFromJsonAsync<JsonElement>($"/api/v1/collaborations?member=2583&limit=100" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (++pages == 1)
            {
                // While someone pages, collaborations further down gain activity (an update names them now).
                var gellivare = await hub.RegisterSourceAsync("gellivare-paging", "2583");
                foreach (var moved in new[] { "paging-0000", "paging-0500", "paging-0999" })
                {
                    using var response = await PostAsync(gellivare, Update("PG-" + moved, moved, "Ny aktivitet", [], DateTimeOffset.UtcNow.ToString("O")));
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                }
            }
        }
        while (cursor is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 10);
    }

    [Fact]
    public async Task Municipality_GivenByItsOrganisationsnummer_IsItsKommunkod_AsSourcePartnerParticipantAndMember()
    {
        // Haninge's source and Stockholm's partner registered by organisationsnummer are stored by kommunkod.
        using (var put = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/sources/haninge-orgnr", new { organisation = "212000-0084", name = "Haninge diarium" })))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using (var read = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/sources/haninge-orgnr")))
        {
            Assert.Equal("0136", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("organisation").GetString());
        }

        using (var partner = await hub.Client.SendAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/stockholm-orgnr", new { organisation = "16212000-0142", channels = new[] { new { type = "queue" } } })))
        {
            var body = await partner.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(partner.IsSuccessStatusCode, body.ToString());
            Assert.Equal("0180", body.GetProperty("organisation").GetString());
        }

        // Nacka named by code and by organisationsnummer is one member; the sender's own number is the sender.
        var haninge = await hub.RegisterSourceAsync("haninge-orgnr-key", "2120000084");
        using (var post = await PostAsync(haninge, Update("ON-1", "orgnr-samverkan", "Beslut om gemensam upphandling av e-arkiv", ["0182", "212000-0167", "2120000142", "212000-0084", "556016-0680"])))
        {
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        }

        Assert.Equal(["0136", "0180", "0182", "556016-0680"], Members(await CollaborationAsync("orgnr-samverkan")));

        // A member removed by organisationsnummer (here by the admin) is the municipality's membership.
        using (var removed = await hub.Client.SendAsync(hub.Admin(HttpMethod.Delete, "/api/v1/collaborations/orgnr-samverkan/members/212000-0167")))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal(["0136", "0180", "556016-0680"], Members(await CollaborationAsync("orgnr-samverkan")));
    }

    private async Task<HttpResponseMessage> PutAsync(string id, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/collaborations/{id}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return await hub.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> DeleteMemberAsync(string id, string organisation, string key) => MemberAsync(HttpMethod.Delete, id, organisation, key);

    private async Task<HttpResponseMessage> MemberAsync(HttpMethod method, string id, string organisation, string? key)
    {
        var request = new HttpRequestMessage(method, $"/api/v1/collaborations/{id}/members/{organisation}");
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return await hub.Client.SendAsync(request);
    }

    /// <summary>The i-th valid organisationsnummer of a made-up series (digits 3-4 at least 20, Luhn check digit).</summary>
    private static string Organisationsnummer(int i)
    {
        var nine = $"5560{i:D5}";
        for (var check = 0; check <= 9; check++)
        {
            if (Luhn.IsValid(nine + check))
            {
                return $"{nine[..6]}-{nine[6..]}{check}";
            }
        }

        throw new InvalidOperationException("No check digit.");
    }
}

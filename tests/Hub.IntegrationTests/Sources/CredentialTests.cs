using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Delivery;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Sources;

/// <summary>
/// Credentials through Hub.Local on Azurite: signed requests cannot be replayed, every credential rotates with an
/// overlap and is revoked at once, compressed bodies are read within the limit, nothing personal is kept, every
/// administrative act is in the audit log.
/// </summary>
public sealed class CredentialTests(FanoutHubFixture hub) : IClassFixture<FanoutHubFixture>
{
    /// <summary>An update without externalId, so only the webhook-id can key it.</summary>
    private static string Meeting(string collaboration) =>
        $$"""{"collaboration":"{{collaboration}}","kind":"meeting","title":"Styrgruppsmöte","occurredAt":"2026-03-19T09:00:00+01:00","participants":["0136"]}""";

    private async Task<JsonElement> JsonAsync(HttpRequestMessage request)
    {
        using var response = await hub.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<int> UpdateCountAsync(string collaboration) =>
        (await hub.Client.GetFromJsonAsync<JsonElement>($"/api/v1/collaborations/{collaboration}")).GetProperty("updateCount").GetInt32();

    [Fact]
    public async Task SignedPost_SentAgainWithUnsignedCeHeaders_IsTheFirstUpdatesDuplicate()
    {
        var source = await hub.RegisterSourceAsync("nacka-replay-ce", "0182");
        var body = Meeting("replay-ce-samverkan");
        using var first = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, body, webhookId: "msg_replay_ce"));
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // The same signed bytes, with CloudEvents binary-mode headers nobody signed.
        var replay = LocalHubFixture.Signed(source.Id, source.Secret, body, webhookId: "msg_replay_ce");
        replay.Headers.Add("ce-specversion", "1.0");
        replay.Headers.Add("ce-id", "a-new-id-nobody-signed");
        replay.Headers.Add("ce-source", "https://attacker.example");
        replay.Headers.Add("ce-type", "se.nacka.mote");
        using var answer = await hub.Client.SendAsync(replay);
        var json = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(firstId, json.GetProperty("id").GetString());
        Assert.True(json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await UpdateCountAsync("replay-ce-samverkan"));
    }

    [Fact]
    public async Task SignedPost_WebhookIdUsedBefore_WithAnotherBody_IsTheFirstUpdatesDuplicate()
    {
        var source = await hub.RegisterSourceAsync("nacka-replay-id", "0182");
        using var first = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Meeting("replay-id-samverkan"), webhookId: "msg_reused"));
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var other = Payloads.Canonical("KS-OTHER-1", "replay-id-samverkan");
        using var again = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, other, webhookId: "msg_reused"));
        var json = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(firstId, json.GetProperty("id").GetString());
        Assert.Equal(1, await UpdateCountAsync("replay-id-samverkan"));
    }

    [Fact]
    public async Task SignedPost_RepeatedWebhookIdHeader_Is401()
    {
        var source = await hub.RegisterSourceAsync("nacka-replay-twice", "0182");
        var request = LocalHubFixture.Signed(source.Id, source.Secret, Meeting("replay-twice-samverkan"), webhookId: "msg_a");
        request.Headers.Add("webhook-id", "msg_b");

        using var answer = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task BearerPost_KeepsTheUnsignedKeyOrder_CeIdKeysIt()
    {
        var source = await hub.RegisterSourceAsync("nacka-bearer-ce", "0182");
        HttpRequestMessage Binary(string ceId)
        {
            var request = LocalHubFixture.WithKey(source.Id, source.Key, Meeting("bearer-ce-samverkan"));
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", ceId);
            request.Headers.Add("ce-source", "https://diarium.nacka.se");
            request.Headers.Add("ce-type", "se.nacka.mote");
            return request;
        }

        using var first = await hub.Client.SendAsync(Binary("CE-1"));
        using var second = await hub.Client.SendAsync(Binary("CE-2"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(2, await UpdateCountAsync("bearer-ce-samverkan"));
    }

    [Fact]
    public async Task SourceSecretAndKey_RotateWithAnOverlap_AndARevocationEndsOneAtOnce()
    {
        var source = await hub.RegisterSourceAsync("nacka-rotate-all", "0182");
        var secret = await JsonAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/secrets"));
        var key = await JsonAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/keys"));
        var newSecret = secret.GetProperty("secret").GetString()!;
        var newKey = key.GetProperty("key").GetString()!;
        Assert.StartsWith("whsec_", newSecret);
        Assert.StartsWith("mhk_", newKey);
        Assert.True(DateTimeOffset.Parse(key.GetProperty("previousValidUntil").GetString()!) > DateTimeOffset.UtcNow.AddHours(23));

        // The overlap: old and new both work.
        foreach (var (request, what) in new[]
                 {
                     (LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical("RA-1", "rotate-all-samverkan")), "old secret"),
                     (LocalHubFixture.Signed(source.Id, newSecret, Payloads.Canonical("RA-2", "rotate-all-samverkan")), "new secret"),
                     (LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("RA-3", "rotate-all-samverkan")), "old key"),
                     (LocalHubFixture.WithKey(source.Id, newKey, Payloads.Canonical("RA-4", "rotate-all-samverkan")), "new key"),
                 })
        {
            using var answer = await hub.Client.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.Accepted, what);
        }

        // Revoked at once: the old key and the old secret no longer work; the new ones do.
        var registered = await JsonAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/sources/{source.Id}"));
        Assert.All(registered.GetProperty("keys").EnumerateArray().Concat(registered.GetProperty("secrets").EnumerateArray()), c => Assert.False(c.TryGetProperty("key", out _) || c.TryGetProperty("secret", out _)));
        Assert.False(registered.TryGetProperty("key", out _) || registered.TryGetProperty("secret", out _), "A source read shows no credential.");
        var oldKeyId = registered.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()).Single(id => id != key.GetProperty("credentialId").GetString());
        var oldSecretId = registered.GetProperty("secrets").EnumerateArray().Select(k => k.GetProperty("id").GetString()).Single(id => id != secret.GetProperty("credentialId").GetString());
        await JsonAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/sources/{source.Id}/keys/{oldKeyId}"));
        await JsonAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/sources/{source.Id}/secrets/{oldSecretId}"));

        using var oldKey = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("RA-5", "rotate-all-samverkan")));
        using var oldSecret = await hub.Client.SendAsync(LocalHubFixture.Signed(source.Id, source.Secret, Payloads.Canonical("RA-6", "rotate-all-samverkan")));
        using var stillNew = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, newKey, Payloads.Canonical("RA-7", "rotate-all-samverkan")));
        Assert.Equal(HttpStatusCode.Unauthorized, oldKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stillNew.StatusCode);

        // A revoked key no longer finds its source for the collaboration routes either.
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/collaborations/rotate-all-samverkan") { Content = JsonContent.Create(new { name = "x" }) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        using var byOldKey = await hub.Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.Unauthorized, byOldKey.StatusCode);
    }

    [Fact]
    public async Task AdminReads_OfASourceAndAPartner_NeedTheAdminKey_AndAnswer404ForNone()
    {
        var source = await hub.RegisterSourceAsync("nacka-read-admin", "0182");
        var other = await hub.RegisterSourceAsync("nacka-read-other", "0182");
        var asSource = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/admin/sources/{source.Id}");
        asSource.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        using var bySourceKey = await hub.Client.SendAsync(asSource);
        Assert.Equal(HttpStatusCode.Unauthorized, bySourceKey.StatusCode);
        using var none = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/sources/no-such-source"));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        using var noPartner = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/partners/no-such-partner"));
        Assert.Equal(HttpStatusCode.NotFound, noPartner.StatusCode);
        var read = await JsonAsync(hub.Admin(HttpMethod.Get, $"/api/v1/admin/sources/{other.Id}"));
        Assert.Equal("0182", read.GetProperty("organisation").GetString());
        Assert.Single(read.GetProperty("keys").EnumerateArray());
    }

    [Fact]
    public async Task PartnerSecret_DuringItsOverlap_WebhooksCarryBothSignatures_ThenOnlyTheNew()
    {
        var source = await hub.RegisterSourceAsync("nacka-partner-secret", "0182");
        var partner = await JsonAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/wh-rotating", new { organisation = "0139", channels = new[] { new { type = "webhook", url = "https://example.se/placeholder" } } }));
        var oldSecret = partner.GetProperty("secret").GetString()!;
        Assert.Equal(oldSecret, partner.GetProperty("webhookSecret").GetString());
        var rotated = await JsonAsync(hub.Admin(HttpMethod.Post, "/api/v1/admin/partners/wh-rotating/secrets"));
        var newSecret = rotated.GetProperty("secret").GetString()!;
        await using var receiver = await WebhookReceiver.StartAsync(newSecret, oldSecret);
        await JsonAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/wh-rotating", new { organisation = "0139", channels = new[] { new { type = "webhook", url = receiver.Url("/ok") } } }));

        using (var posted = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("PS-1", "partner-secret-samverkan", title: "Under bytet").Replace("\"0127\"", "\"0139\""))))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        var during = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(receiver.Received.FirstOrDefault()), what: "the webhook during the overlap");
        Assert.Equal(2, during!.Signature!.Split(' ').Length);
        Assert.Equal([0, 1], during.ValidFor);

        var oldId = (await JsonAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/wh-rotating", new { organisation = "0139", channels = new[] { new { type = "webhook", url = receiver.Url("/ok") } } })))
            .GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("id").GetString()).Single(id => id != rotated.GetProperty("credentialId").GetString());
        await JsonAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/partners/wh-rotating/secrets/{oldId}"));
        using (var posted = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("PS-2", "partner-secret-samverkan", title: "Efter bytet").Replace("\"0127\"", "\"0139\""))))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        var after = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(receiver.Received.Skip(1).FirstOrDefault()), what: "the webhook after the revocation");
        Assert.Equal([0], after!.ValidFor);
    }

    [Fact]
    public async Task PartnerKey_RotatesWithAnOverlap_AndIsRevokedAtOnce()
    {
        var partner = await JsonAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/key-rotating", new { organisation = "0138", channels = new[] { new { type = "queue" } } }));
        var oldKey = partner.GetProperty("key").GetString()!;
        var rotated = await JsonAsync(hub.Admin(HttpMethod.Post, "/api/v1/admin/partners/key-rotating/keys"));
        var newKey = rotated.GetProperty("key").GetString()!;

        async Task<HttpStatusCode> DigestWith(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/partners/key-rotating/digests/2026-02");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await hub.Client.SendAsync(request);
            return response.StatusCode;
        }

        // Nothing happened that month: 404 means the key was let in (an unknown key is a 401).
        Assert.Equal(HttpStatusCode.NotFound, await DigestWith(oldKey));
        Assert.Equal(HttpStatusCode.NotFound, await DigestWith(newKey));
        var oldId = partner.GetProperty("keys")[0].GetProperty("id").GetString();
        await JsonAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/partners/key-rotating/keys/{oldId}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await DigestWith(oldKey));
        Assert.Equal(HttpStatusCode.NotFound, await DigestWith(newKey));

        using var unknown = await hub.Client.SendAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/partners/key-rotating/keys/{oldId}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task CompressedBodies_GzipAccepted_ZipBombIs413_DeflateIs415_FakeGzipIs400()
    {
        var source = await hub.RegisterSourceAsync("nacka-encoding", "0182");
        HttpRequestMessage Encoded(byte[] bytes, string encoding)
        {
            var request = LocalHubFixture.WithKey(source.Id, source.Key, string.Empty);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content.Headers.ContentEncoding.Add(encoding);
            return request;
        }

        var json = Encoding.UTF8.GetBytes(Payloads.Canonical("ENC-1", "encoding-samverkan"));
        using var gzip = await hub.Client.SendAsync(Encoded(Compress(json, "gzip"), "gzip"));
        using var brotli = await hub.Client.SendAsync(Encoded(Compress(Encoding.UTF8.GetBytes(Payloads.Canonical("ENC-2", "encoding-samverkan")), "br"), "br"));
        using var bomb = await hub.Client.SendAsync(Encoded(Compress(new byte[10 * 1024 * 1024], "gzip"), "gzip"));
        using var deflate = await hub.Client.SendAsync(Encoded(json, "deflate"));
        using var fake = await hub.Client.SendAsync(Encoded(json, "gzip"));

        Assert.Equal(HttpStatusCode.Accepted, gzip.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, brotli.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, deflate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, fake.StatusCode);
    }

    [Fact]
    public async Task PersonnummerInAPayload_IsMaskedInTheKeptRejection_AndItsRetryIsA409()
    {
        var source = await hub.RegisterSourceAsync("nacka-pnr-mask", "0182");
        var body = Payloads.Canonical("PNR-1", "pnr-samverkan").Replace("Kommunstyrelsen beslutade", "Handläggare 19811218-9876 beslutade", StringComparison.Ordinal);
        using var refused = await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.DoesNotContain("19811218", await refused.Content.ReadAsStringAsync());

        var rejection = (await JsonAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections"))).GetProperty("items")[0];
        Assert.DoesNotContain("19811218-9876", rejection.GetProperty("body").GetString());
        Assert.Contains("********-****", rejection.GetProperty("body").GetString());
        Assert.True(rejection.GetProperty("bodyMasked").GetBoolean());

        using var retry = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/sources/{source.Id}/rejections/{rejection.GetProperty("id").GetString()}/retry"));
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
    }

    [Fact]
    public async Task ResolvedRejection_RetriedAgain_IsA409_NotASecondUpdate()
    {
        var source = await hub.RegisterSourceAsync("nacka-resolved", "0182", new { format = "profile", profile = new { fields = new Dictionary<string, string> { ["collaboration"] = "/kod", ["kind"] = "/typ", ["title"] = "/rubrik", ["occurredAt"] = "/datum" } } });
        using (await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, """{"kod":"resolved-samverkan","typ":"Beslutet","rubrik":"R","datum":"2026-03-19"}""")))
        {
        }

        await JsonAsync(hub.Admin(HttpMethod.Put, $"/api/v1/admin/sources/{source.Id}", new
        {
            organisation = "0182",
            name = "Nacka",
            format = "profile",
            profile = new { fields = new Dictionary<string, string> { ["collaboration"] = "/kod", ["kind"] = "/typ", ["title"] = "/rubrik", ["occurredAt"] = "/datum" }, values = new { kind = new { Beslutet = "decision" } } },
        }));
        var id = (await JsonAsync(hub.Admin(HttpMethod.Get, $"/api/v1/sources/{source.Id}/rejections"))).GetProperty("items")[0].GetProperty("id").GetString();
        using var first = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/sources/{source.Id}/rejections/{id}/retry"));
        using var second = await hub.Client.SendAsync(hub.Admin(HttpMethod.Post, $"/api/v1/sources/{source.Id}/rejections/{id}/retry"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(1, await UpdateCountAsync("resolved-samverkan"));
    }

    [Fact]
    public async Task EveryAdministrativeAct_IsInTheAuditLog_ByKeyIdNeverTheKey()
    {
        var source = await hub.RegisterSourceAsync("nacka-audited", "0182");
        await JsonAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/keys"));
        var secret = await JsonAsync(hub.Admin(HttpMethod.Post, $"/api/v1/admin/sources/{source.Id}/secrets"));
        await JsonAsync(hub.Admin(HttpMethod.Delete, $"/api/v1/admin/sources/{source.Id}/secrets/{secret.GetProperty("credentialId").GetString()}"));
        await JsonAsync(hub.Admin(HttpMethod.Put, "/api/v1/admin/partners/audited-partner", new { organisation = "0136", channels = new[] { new { type = "queue" } } }));
        await JsonAsync(hub.Admin(HttpMethod.Post, "/api/v1/admin/partners/audited-partner/deliveries/replay?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"));
        using (await hub.Client.SendAsync(LocalHubFixture.WithKey(source.Id, source.Key, Payloads.Canonical("AU-1", "audited-samverkan"))))
        {
        }

        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/collaborations/audited-samverkan") { Content = JsonContent.Create(new { form = "projekt" }) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        using (await hub.Client.SendAsync(put))
        {
        }

        var listing = await hub.Client.SendAsync(hub.Admin(HttpMethod.Get, "/api/v1/admin/audit?limit=100"));
        var text = await listing.Content.ReadAsStringAsync();
        var entries = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Target: e.GetProperty("target").GetString(), Actor: e.GetProperty("actor").GetString()))
            .ToArray();

        foreach (var (action, target) in new[]
                 {
                     ("source.registered", source.Id), ("source.key.rotated", source.Id), ("source.secret.rotated", source.Id), ("source.secret.revoked", source.Id),
                     ("partner.registered", "audited-partner"), ("partner.deliveries.replayed", "audited-partner"), ("collaboration.changed", "audited-samverkan"),
                 })
        {
            Assert.Contains(entries, e => e.Action == action && e.Target == target);
        }

        Assert.Contains(entries, e => e.Action == "collaboration.changed" && e.Actor!.StartsWith($"source:{source.Id}:key_", StringComparison.Ordinal));
        Assert.All(entries.Where(e => e.Target == source.Id), e => Assert.StartsWith("admin:", e.Actor));
        Assert.DoesNotContain(LocalHubFixture.AdminKey, text);
        Assert.DoesNotContain(source.Key, text);
        Assert.DoesNotContain(secret.GetProperty("secret").GetString()!, text);
    }

    private static byte[] Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "br"
                   ? new System.IO.Compression.BrotliStream(output, System.IO.Compression.CompressionLevel.Fastest)
                   : new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}

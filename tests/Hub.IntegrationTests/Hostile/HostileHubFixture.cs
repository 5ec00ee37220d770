using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>
/// A hub as shipped, with one limit shortened so that a slowloris on the headers is answered within the test's time:
/// Kestrel's <c>RequestHeadersTimeout</c> is 5 s here (30 s by default). Bodies that come too slowly meet Kestrel's
/// default minimum rate (240 bytes/s after a 5 s grace). It registers what the corpus needs (<see cref="HostileWorld"/>).
/// </summary>
public sealed class HostileHubFixture : LocalHubFixture
{
    public HostileWorld World { get; private set; } = null!;

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var a = await RegisterSourceAsync("hostile-a", "0182");
        var b = await RegisterSourceAsync("hostile-b", "0180");
        var keyCredential = await SourceKeyIdAsync(a.Id);

        // A source whose first key and secret were rotated away and then revoked at once.
        var revoked = await RegisterSourceAsync("hostile-revoked", "0184");
        var oldKey = await SourceKeyIdAsync(revoked.Id);
        var oldSecret = (await SourceCredentialIdsAsync(revoked.Id, "secrets"))[0];
        await JsonAsync(Admin(HttpMethod.Post, $"/api/v1/admin/sources/{revoked.Id}/keys"));
        await JsonAsync(Admin(HttpMethod.Post, $"/api/v1/admin/sources/{revoked.Id}/secrets"));
        await JsonAsync(Admin(HttpMethod.Delete, $"/api/v1/admin/sources/{revoked.Id}/keys/{oldKey}"));
        await JsonAsync(Admin(HttpMethod.Delete, $"/api/v1/admin/sources/{revoked.Id}/secrets/{oldSecret}"));

        var partner = await JsonAsync(Admin(HttpMethod.Put, "/api/v1/admin/partners/hostile-p", new { organisation = "0127", channels = new[] { new { type = "queue" } } }));

        // A stored update (and so its collaboration), and a kept rejection.
        using var stored = await Client.SendAsync(WithKey(a.Id, a.Key, Payloads.Canonical("HOSTILE-STORED", collaboration: "hostile-samverkan")));
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        var updateId = (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var refused = await Client.SendAsync(WithKey(a.Id, a.Key, Payloads.Canonical("HOSTILE-REFUSED", collaboration: "hostile-samverkan", kind: "okänt")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var rejections = await JsonAsync(WithBearer(HttpMethod.Get, $"/api/v1/sources/{a.Id}/rejections", a.Key));
        var rejectionId = rejections.GetProperty("items")[0].GetProperty("id").GetString()!;

        // A signed update without an externalId: its webhook-id is its idempotency key, which the corpus sends again.
        var webhookId = "msg_hostile_" + Guid.NewGuid().ToString("N");
        using var signed = await Client.SendAsync(Signed(a.Id, a.Secret, Payloads.Canonical(externalId: null, collaboration: "hostile-samverkan", title: "Det första"), webhookId));
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        var replayedId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        World = new HostileWorld(
            BaseAddress,
            AdminKey,
            a,
            b,
            keyCredential,
            revoked,
            "hostile-p",
            partner.GetProperty("key").GetString()!,
            updateId,
            "hostile-samverkan",
            rejectionId,
            webhookId,
            replayedId);
    }

    private HttpRequestMessage WithBearer(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", key);
        return request;
    }

    private async Task<JsonElement> JsonAsync(HttpRequestMessage request)
    {
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> SourceKeyIdAsync(string sourceId) => (await SourceCredentialIdsAsync(sourceId, "keys"))[0];

    /// <summary>A source's valid credential ids, as a re-PUT of the source (which changes nothing) lists them.</summary>
    private async Task<IReadOnlyList<string>> SourceCredentialIdsAsync(string sourceId, string kind)
    {
        var source = await JsonAsync(Admin(HttpMethod.Put, $"/api/v1/admin/sources/{sourceId}", new { organisation = sourceId switch { "hostile-a" => "0182", "hostile-b" => "0180", _ => "0184" }, name = sourceId + " (test)" }));
        return source.GetProperty(kind).EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>Hub.Local on Azurite with loopback webhooks allowed and retries at once, for the partner page.</summary>
public sealed class PortalHubFixture : LocalHubFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Webhooks:AllowPrivateTargets"] = "true",
        ["Hub:Webhooks:Timeout"] = "00:00:02",
        ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "100",
        ["Hub:Webhooks:RetryWaits:0"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:1"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:2"] = "00:00:00",
        ["Hub:Fanout:Grace"] = "00:00:00",
    };

    public async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, params object[] channels)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", new { organisation, channels }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public async Task<JsonElement> PartnerAsync(string id)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Get, $"/api/v1/admin/partners/{id}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A sign-in link for the partner: its id, absolute URL and end.</summary>
    public async Task<(string Id, string Url, DateTimeOffset ExpiresAt)> LinkAsync(string partnerId)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Post, $"/api/v1/admin/partners/{partnerId}/portal-links"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("url").GetString()!, body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    public async Task<JsonElement> DeliveriesAsync(string partnerId)
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Get, $"/api/v1/admin/partners/{partnerId}/deliveries?limit=100"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<IReadOnlyList<JsonElement>> AuditAsync()
    {
        using var response = await Client.SendAsync(Admin(HttpMethod.Get, "/api/v1/admin/audit?limit=100"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
    }

    public async Task<string> PostAsync(RegisteredSource source, string externalId, string collaboration, params string[] participants)
    {
        var body = JsonSerializer.Serialize(new { externalId, collaboration, kind = "decision", title = "Uppdatering " + externalId, area = "digitalisering", participants, occurredAt = "2026-11-19T09:00:00+01:00" });
        using var response = await Client.SendAsync(WithKey(source.Id, source.Key, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }
}

/// <summary>
/// A partner page session over plain HTTP (cookies kept, redirects not followed), as a browser without script would use
/// it: sign in with a link's page and button, then read pages and send forms with the session's CSRF token.
/// </summary>
public sealed partial class PortalClient : IDisposable
{
    private readonly HttpClient _http;

    private PortalClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The session's CSRF token, as its forms carry it.</summary>
    public string Csrf { get; private set; } = string.Empty;

    public static async Task<PortalClient> SignInAsync(Uri baseAddress, string linkUrl)
    {
        var client = new PortalClient(baseAddress);
        var (status, html) = await client.GetAsync(new Uri(linkUrl).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, status);
        var (signedIn, _, location) = await client.PostAsync("/portal/logga-in", new() { ["token"] = Field(html, "token"), ["csrf"] = Field(html, "csrf") });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn);
        Assert.Equal("/portal", location);
        var (overview, page) = await client.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, overview);
        client.Csrf = Field(page, "csrf");
        return client;
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string Html, string? Location)> PostAsync(string path, Dictionary<string, string> form, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString);
    }

    /// <summary>The value of the first form field named <paramref name="name"/> in a page.</summary>
    public static string Field(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
        Assert.True(match.Success, $"No field {name} on the page.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public void Dispose() => _http.Dispose();
}

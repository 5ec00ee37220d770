using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// Hub.Local on Azurite with loopback webhooks allowed and retries at once, for the partner page; a real SMTP server on
/// loopback (netDumbster) for the digest and the links mailed on request (at most <see cref="LinkRequestsPerAddress"/>
/// per address in an hour); and a clock that can be set back (<see cref="Clock"/>), so that updates can be received
/// "last month" for the previews.
/// </summary>
public sealed class PortalHubFixture : LocalHubFixture
{
    public const int LinkRequestsPerAddress = 3;

    public ShiftedClock Clock { get; } = new();

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    private int _smtpPort;

    public override async Task InitializeAsync()
    {
        _smtpPort = AzuriteProcess.FreePort();
        Smtp = SimpleSmtpServer.Start(_smtpPort);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
    }

    /// <summary>The messages the SMTP server has received so far.</summary>
    public MimeMessage[] Received() =>
        Smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToArray();

    /// <summary>Runs <paramref name="work"/> with the hub's clock set back into last month (Stockholm), then sets it right again.</summary>
    public async Task LastMonthAsync(Func<Task> work)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"));
        Clock.Offset = -TimeSpan.FromDays(local.Day + 1);
        try
        {
            await work();
        }
        finally
        {
            Clock.Offset = TimeSpan.Zero;
        }
    }

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Smtp:Host"] = "127.0.0.1",
        ["Hub:Smtp:Port"] = _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:Smtp:StartTls"] = "false",
        ["Hub:Smtp:From"] = "Mellanrum <portal@mellanrum.example>",
        ["Hub:Portal:BaseUrl"] = BaseAddress.ToString().TrimEnd('/'),
        ["Hub:Portal:LinkRequestsPerAddress"] = LinkRequestsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:Portal:LinkRequestsOverall"] = "1000",
        ["Hub:Webhooks:AllowPrivateTargets"] = "true",
        ["Hub:Webhooks:Timeout"] = "00:00:02",
        ["Hub:Webhooks:CircuitBreakerMinimumThroughput"] = "100",
        ["Hub:Webhooks:RetryWaits:0"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:1"] = "00:00:00",
        ["Hub:Webhooks:RetryWaits:2"] = "00:00:00",
        ["Hub:Fanout:Grace"] = "00:00:00",
    };

    public Task<JsonElement> RegisterPartnerAsync(string id, string organisation, params object[] channels) =>
        RegisterPartnerAsync(id, organisation, null, channels);

    /// <summary>A partner with digest recipients (Swedish).</summary>
    public async Task<JsonElement> RegisterPartnerAsync(string id, string organisation, string[]? recipients, params object[] channels)
    {
        object registration = recipients is null ? new { organisation, channels } : new { organisation, channels, digest = new { recipients, language = "sv" } };
        using var response = await Client.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/partners/{id}", registration));
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

    public Task<string> PostAsync(RegisteredSource source, string externalId, string collaboration, params string[] participants) =>
        PostAsync(source, externalId, collaboration, "Uppdatering " + externalId, "digitalisering", "decision", participants);

    /// <summary>An update (with a key, so the shifted clock does not matter) that occurred an hour before the hub's now.</summary>
    public async Task<string> PostAsync(RegisteredSource source, string externalId, string collaboration, string title, string area, string kind, params string[] participants)
    {
        var occurredAt = Clock.GetUtcNow().AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = JsonSerializer.Serialize(new { externalId, collaboration, kind, title, area, participants, occurredAt });
        using var response = await Client.SendAsync(WithKey(source.Id, source.Key, body));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToString());
        return answer.GetProperty("id").GetString()!;
    }
}

/// <summary>The system clock moved by <see cref="Offset"/> (the hub's only clock in these tests).</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
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

    /// <summary>Someone without a session: the partner page's 401 page read, its link request form's CSRF token kept.</summary>
    public static async Task<PortalClient> SignedOutAsync(Uri baseAddress)
    {
        var client = new PortalClient(baseAddress);
        var (status, html) = await client.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        client.Csrf = Field(html, "csrf");
        return client;
    }

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

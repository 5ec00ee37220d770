using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>One request as the fake vault saw it: whether it carried the expected bearer token, and what it answered.</summary>
internal sealed record VaultRequest(string Method, string Path, string? ApiVersion, bool Authorized, int Status);

/// <summary>
/// Key Vault's secrets REST API over HTTPS on 127.0.0.1 (a free port, Kestrel, a self-signed certificate made here), as
/// much of it as reading secrets takes: <c>GET /secrets/{name}</c> (the current version), <c>GET /secrets/{name}/{version}</c>,
/// <c>GET /secrets/{name}/versions</c>, with Key Vault's error bodies. A request without the bearer token gets the 401
/// challenge the SDK expects first (<c>WWW-Authenticate: Bearer authorization="…/tenant", resource="https://vault.azure.net"</c>).
/// A name in <see cref="Forbidden"/> answers 403, as a vault does to an identity without the role.
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Tenant = "72f988bf-0000-4000-8000-000000000001";
    public const string Resource = "https://vault.azure.net";
    public const string Token = "fake-vault-token";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, List<(string Version, string Value, DateTimeOffset Created)>> _secrets = new(StringComparer.OrdinalIgnoreCase);

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
        app.Use(async (context, next) =>
        {
            var authorized = context.Request.Headers.Authorization.ToString() == "Bearer " + Token;
            if (!authorized)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{Tenant}\", resource=\"{Resource}\"";
            }
            else
            {
                await next(context);
            }

            Requests.Enqueue(new VaultRequest(context.Request.Method, context.Request.Path, context.Request.Query["api-version"], authorized, context.Response.StatusCode));
        });
        app.MapGet("/secrets/{name}/versions", (string name) =>
            Forbidden.Contains(name) ? Refused(name)
            : _secrets.TryGetValue(name, out var versions)
                ? Results.Json(new { value = Snapshot(versions).Select(v => Properties(name, v.Version, v.Created)).Select(p => new { p.id, p.attributes }), nextLink = (string?)null })
                : NotFound(name));
        app.MapGet("/secrets/{name}/{version?}", (string name, string? version) =>
        {
            if (Forbidden.Contains(name))
            {
                return Refused(name);
            }

            if (!_secrets.TryGetValue(name, out var versions))
            {
                return NotFound(name);
            }

            var all = Snapshot(versions);
            var found = string.IsNullOrEmpty(version) ? all.LastOrDefault() : all.FirstOrDefault(v => v.Version == version);
            if (found.Version is null)
            {
                return NotFound(name);
            }

            var properties = Properties(name, found.Version, found.Created);
            return Results.Json(new { value = found.Value, contentType = "text/plain", properties.id, properties.attributes, tags = new { } });
        });
    }

    public Uri VaultUri { get; private set; } = null!;

    public ConcurrentQueue<VaultRequest> Requests { get; } = new();

    /// <summary>Secret names this vault refuses (403) to the caller.</summary>
    public ConcurrentBag<string> Forbidden { get; } = [];

    public FakeCredential Credential { get; } = new();

    public static async Task<FakeKeyVault> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var vault = new FakeKeyVault(builder.Build(), certificate);
        await vault._app.StartAsync();
        var address = vault._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        vault.VaultUri = new Uri(address.TrimEnd('/') + "/");
        return vault;
    }

    /// <summary>Adds a version of a secret (it becomes the current one) and returns its version id.</summary>
    public string AddVersion(string name, string value)
    {
        var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var versions = _secrets.GetOrAdd(name, _ => []);
        lock (versions)
        {
            versions.Add((version, value, TimeProvider.System.GetUtcNow()));
        }

        return version;
    }

    /// <summary>The real SDK client for this vault: the challenge handshake, a transport that trusts only this vault's certificate.</summary>
    public SecretClient CreateClient() => new(VaultUri, Credential, CreateOptions());

    public SecretClientOptions CreateOptions()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(_certificate.RawData),
            },
        };
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(handler),
        };
        options.Retry.MaxRetries = 0;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private static List<(string Version, string Value, DateTimeOffset Created)> Snapshot(List<(string Version, string Value, DateTimeOffset Created)> versions)
    {
        lock (versions)
        {
            return [.. versions];
        }
    }

    private (string id, object attributes) Properties(string name, string version, DateTimeOffset created) =>
        ($"{VaultUri}secrets/{name}/{version}", new { enabled = true, created = created.ToUnixTimeSeconds(), updated = created.ToUnixTimeSeconds(), recoveryLevel = "Recoverable+Purgeable" });

    private static IResult NotFound(string name) =>
        Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }, statusCode: 404);

    private static IResult Refused(string name) =>
        Results.Json(new { error = new { code = "Forbidden", message = $"The user, group or application does not have secrets get permission on key vault for {name}.", innererror = new { code = "ForbiddenByRbac" } } }, statusCode: 403);

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-key-vault.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        // Through PKCS#12 so that the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }
}

/// <summary>A credential that hands out the fake vault's token and records what it was asked for.</summary>
internal sealed class FakeCredential : TokenCredential
{
    public ConcurrentQueue<TokenRequestContext> Requested { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requested.Enqueue(requestContext);
        return new AccessToken(FakeKeyVault.Token, TimeProvider.System.GetUtcNow().AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Ingest;

/// <summary>A hub whose per-address limit is small enough to see: 1 a second, a burst of 3.</summary>
public sealed class LowAddressLimitFixture : LocalHubFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:Ingest:PerAddressRatePerSecond"] = "1",
        ["Hub:Ingest:PerAddressBurst"] = "3",
    };
}

/// <summary>Refusals that cost almost nothing, and cost the same whoever is named.</summary>
[CollectionDefinition(nameof(CheapRefusalTests), DisableParallelization = true)]
public sealed class CheapRefusalCollection;

[Collection(nameof(CheapRefusalTests))]
public sealed class CheapRefusalTests(LowAddressLimitFixture hub) : IClassFixture<LowAddressLimitFixture>
{
    [Fact]
    public async Task FloodFromOneAddress_Is429BeforeAnyAuthentication_AndNamesNoSource()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await hub.Client.SendAsync(LocalHubFixture.WithKey("no-such-source", "mhk_wrong", Payloads.Canonical($"FL-{i}")));
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null, "429 without Retry-After");
            }
        }

        Assert.Equal(HttpStatusCode.Unauthorized, answers[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
    }

    [Fact]
    public async Task UnknownSource_CostsTheSameCredentialWork_AsAKnownSourceWithAWrongCredential()
    {
        var source = await hub.RegisterSourceAsync("nacka-oracle", "0182");
        var authenticator = hub.App.Services.GetRequiredService<SourceAuthenticator>();
        var body = Encoding.UTF8.GetBytes(Payloads.Canonical("OR-1"));
        var wrongSecret = "whsec_" + Convert.ToBase64String(new byte[32]);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = new PresentedCredentials(null, "msg_oracle", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), SignatureVerifier.Sign("msg_oracle", timestamp, body, Credentials.SecretBytes(wrongSecret)));
        var bearer = new PresentedCredentials("mhk_not-the-key", null, null, null);

        var knownSigned = await CountAsync(() => authenticator.AuthenticateAsync(source.Id, signed, body, CancellationToken.None));
        var unknownSigned = await CountAsync(() => authenticator.AuthenticateAsync("no-such-source-oracle", signed, body, CancellationToken.None));
        var knownBearer = await CountAsync(() => authenticator.AuthenticateAsync(source.Id, bearer, body, CancellationToken.None));
        var unknownBearer = await CountAsync(() => authenticator.AuthenticateAsync("no-such-source-oracle", bearer, body, CancellationToken.None));

        Assert.Equal(knownSigned, unknownSigned);
        Assert.Equal(knownBearer, unknownBearer);
        Assert.Equal(1, knownSigned.GetValueOrDefault("hmac"));
        Assert.Equal(1, knownSigned.GetValueOrDefault("unprotect"));
        Assert.Equal(1, knownBearer.GetValueOrDefault("key-compare"));
    }

    /// <summary>The credential operations <paramref name="act"/> did, by kind (this collection runs alone, so they are its own).</summary>
    private static async Task<Dictionary<string, long>> CountAsync(Func<Task<AuthenticatedSource?>> act)
    {
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HubMetrics.DiagnosticsMeterName && instrument.Name == HubMetrics.CredentialOperations.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "operation" && tag.Value is string operation)
                {
                    lock (counts)
                    {
                        counts[operation] = counts.GetValueOrDefault(operation) + value;
                    }
                }
            }
        });
        listener.Start();
        Assert.Null(await act());
        listener.Dispose();
        return counts;
    }
}

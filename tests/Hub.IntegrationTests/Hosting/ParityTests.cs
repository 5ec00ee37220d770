using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>The functions.metadata the Functions SDK writes at build time is what Hub.Local serves: no second route table.</summary>
public sealed class ParityTests(LocalHubFixture hub) : IClassFixture<LocalHubFixture>
{
    private sealed record Entry(string Name, string Type, string Target, string Methods);

    private static IReadOnlyList<Entry> FromMetadata()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), "functions.metadata is not in the test output; the Functions SDK writes it when Hub.Functions builds.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            var type = trigger.GetProperty("type").GetString()!;
            var target = type switch
            {
                "httpTrigger" => trigger.GetProperty("route").GetString()!,
                "queueTrigger" => trigger.GetProperty("queueName").GetString()!,
                _ => trigger.GetProperty("schedule").GetString()!,
            };
            var methods = trigger.TryGetProperty("methods", out var m) ? string.Join(',', m.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant()).Order()) : string.Empty;
            return new Entry(f.GetProperty("name").GetString()!, type, target, methods);
        }).OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
    }

    private static string HostJsonPrefixed(string route)
    {
        var prefix = HostJson.Load().RoutePrefix;
        return string.IsNullOrEmpty(prefix) ? route : $"{prefix}/{route}";
    }

    [Fact]
    public void ServedFunctions_EqualFunctionsMetadata_NamesRoutesMethodsQueuesSchedules()
    {
        var served = hub.App.Services.GetRequiredService<ServedFunctions>().Functions.Select(f => f.Trigger switch
        {
            Trigger.Http h => new Entry(f.Name, "httpTrigger", h.Route, string.Join(',', h.Methods.Order())),
            Trigger.Queue q => new Entry(f.Name, "queueTrigger", q.QueueName, string.Empty),
            Trigger.Timer t => new Entry(f.Name, "timerTrigger", t.Schedule, string.Empty),
            _ => throw new InvalidOperationException(),
        }).OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();

        Assert.Equal(FromMetadata(), served);
    }

    [Fact]
    public void HttpEndpoints_AreTheMetadataRoutesUnderTheHostJsonPrefix()
    {
        var endpoints = hub.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e.RoutePattern.RawText!.TrimStart('/'), string.Join(',', e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => m.ToLowerInvariant()).Order())))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal)
            .ToArray();
        var expected = FromMetadata().Where(e => e.Type == "httpTrigger")
            .Select(e => (HostJsonPrefixed(e.Target), e.Methods))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, endpoints);
    }

    [Fact]
    public void QueueAndTimerExpressions_ResolveFromConfiguration_AsTheHostDoes()
    {
        var queues = hub.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<QueueListener>().Select(q => q.QueueName).Order().ToArray();
        Assert.Contains("inbound-updates", queues);
        Assert.Contains("inbound-updates-poison", queues);
        var timers = hub.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<TimerRunner>().Select(t => t.Schedule).ToArray();
        Assert.Contains("0 30 2 * * *", timers);
    }
}

using System.Text.Json;
using Mellanrum.Hub.Functions.OpenApi;
using Mellanrum.Hub.Local;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>The OpenAPI document describes every route the functions serve, and nothing they do not.</summary>
public sealed class OpenApiTests
{
    private static readonly JsonElement Document = JsonDocument.Parse(OpenApiDocument.Json).RootElement;

    private static IEnumerable<(string Path, string Method)> Documented() =>
        Document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name)));

    private static IEnumerable<(string Path, string Method)> Served() =>
        FunctionCatalog.Load().Where(f => f.Trigger is Trigger.Http)
            .SelectMany(f => ((Trigger.Http)f.Trigger).Methods.Select(m => ("/api/" + ((Trigger.Http)f.Trigger).Route, m)));

    [Fact]
    public void Paths_AreExactlyTheHttpFunctions()
    {
        Assert.Equal(Served().Order(), Documented().Order());
    }

    [Fact]
    public void EveryOperation_IsNamedForItsFunction_AndDescribesItsResponses()
    {
        var functions = FunctionCatalog.Load().Where(f => f.Trigger is Trigger.Http).ToDictionary(f => f.Name);
        foreach (var path in Document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var id = operation.Value.GetProperty("operationId").GetString()!;
                Assert.True(functions.ContainsKey(id), $"{operation.Name} {path.Name} is named {id}, which is no function.");
                Assert.NotEmpty(operation.Value.GetProperty("responses").EnumerateObject());
                if (operation.Name is "put" || (operation.Name == "post" && functions[id].Method.Name.StartsWith("Put", StringComparison.Ordinal)))
                {
                    Assert.True(operation.Value.TryGetProperty("requestBody", out _), $"{id} takes a body but documents none.");
                }
            }
        }
    }

    [Fact]
    public void EveryReference_PointsAtADefinedSchema()
    {
        var schemas = Document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => "#/components/schemas/" + s.Name).ToHashSet();
        foreach (var reference in References(Document))
        {
            Assert.Contains(reference, schemas);
        }
    }

    [Fact]
    public void PathParameters_MatchTheRouteTemplate()
    {
        foreach (var path in Document.GetProperty("paths").EnumerateObject())
        {
            var inRoute = System.Text.RegularExpressions.Regex.Matches(path.Name, "{([^}]+)}").Select(m => m.Groups[1].Value).Order().ToArray();
            foreach (var operation in path.Value.EnumerateObject())
            {
                var declared = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).Order().ToArray()
                    : [];
                Assert.Equal(inRoute, declared);
            }
        }
    }

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "$ref" ? [p.Value.GetString()!] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };
}

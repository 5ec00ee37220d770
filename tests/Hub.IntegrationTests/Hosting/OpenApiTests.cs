using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mellanrum.Hub.Functions.Meta;
using Mellanrum.Hub.Functions.OpenApi;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.Local;
using OpenApiReader = Microsoft.OpenApi.OpenApiDocument;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>
/// The OpenAPI document the hub builds from its code: one operation per HTTP function, named for it, with a summary, a
/// description and an example of every JSON body that validates against that body's schema; RFC 9457 problems with
/// <c>instance</c>; https servers ending in the API root; <c>traceparent</c> accepted and answered everywhere. Every answer the other integration tests get is checked
/// against it by <see cref="OpenApiValidatingHandler"/>; <c>HttpIngestTests</c> reads it over HTTP at
/// <c>/api/v1/openapi</c> (no hub of its own here: one more Azurite at the start of the run slows the timing-bound tests).
/// </summary>
public sealed partial class OpenApiTests
{
    private const string Alias = "GetOpenApiJson";

    private static readonly JsonObject Document = OpenApiDocument.Build();

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!.AsObject())));

    /// <summary>What Hub.Local serves (read from the attributes there), as the document names it: relative to /api/v1.</summary>
    private static IEnumerable<(string Name, string Path, string Method)> Served() =>
        FunctionCatalog.Load().Where(f => f.Trigger is Trigger.Http h && h.Route.StartsWith("api/", StringComparison.Ordinal) && f.Name != Alias)
            .SelectMany(f => ((Trigger.Http)f.Trigger).Methods.Select(m => (f.Name, "/" + ((Trigger.Http)f.Trigger).Route.Replace("api/v1/", string.Empty, StringComparison.Ordinal), m)));

    [Fact]
    public void Paths_AreExactlyTheApiFunctions_WithoutTheAliasOrThePages()
    {
        Assert.Contains(FunctionCatalog.Load(), f => f.Trigger is Trigger.Http h && !h.Route.StartsWith("api/", StringComparison.Ordinal));
        Assert.Equal(Served().Select(s => (s.Path, s.Method)).Order(), Operations().Select(o => (o.Path, o.Method)).Order());
        Assert.Contains("/openapi", Document["paths"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain(Document["paths"]!.AsObject(), p => p.Key.Contains('.', StringComparison.Ordinal));
    }

    [Fact]
    public void TheDocument_ReadsAsOpenApi31_WithoutErrorsOrWarnings()
    {
        var (read, diagnostic) = OpenApiReader.Parse(OpenApiDocument.Json, "json");
        Assert.NotNull(read);
        Assert.Equal(Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1, diagnostic!.SpecificationVersion);
        Assert.True(diagnostic.Errors.Count == 0, string.Join("\n", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.True(diagnostic.Warnings.Count == 0, string.Join("\n", diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(Operations().Count(), read.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
    }

    [Fact]
    public void EveryOperation_IsNamedForItsFunction_WithASummaryADescriptionAndItsAnswers()
    {
        Assert.Equal(Served().Select(s => s.Name).Order(StringComparer.Ordinal), Operations().Select(o => o.Operation["operationId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var (path, method, operation) in Operations())
        {
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{method} {path} has no description.");
            Assert.NotEmpty(operation["responses"]!.AsObject());
            Assert.All(operation["responses"]!.AsObject(), r => Assert.False(string.IsNullOrWhiteSpace(r.Value!["description"]?.GetValue<string>())));
            // A PUT sends the resource; adding a member is the one PUT whose resource is its path alone.
            if (method is "put" && operation["operationId"]!.GetValue<string>() != nameof(Mellanrum.Hub.Functions.Collaborations.CollaborationFunctions.AddCollaborationMember))
            {
                Assert.True(operation.ContainsKey("requestBody"), $"{method} {path} takes a body but documents none.");
            }
        }
    }

    [Fact]
    public void AFunctionWithoutAnOperation_IsRefused()
    {
        var functions = HttpFunctions.Load();
        var added = functions.Append(functions[0] with { Name = "DeleteCollaboration", Route = "api/v1/collaborations/{id}", Methods = ["delete"] }).ToArray();
        var refused = Assert.Throws<InvalidOperationException>(() => OpenApiBuilder.Build(added, ApiOperations.All));
        Assert.Contains("DeleteCollaboration", refused.Message, StringComparison.Ordinal);

        var stale = Assert.Throws<InvalidOperationException>(() => OpenApiBuilder.Build(functions.Where(f => f.Name != nameof(MetaFunctions.GetHealth)).ToArray(), ApiOperations.All));
        Assert.Contains(nameof(MetaFunctions.GetHealth), stale.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryJsonBody_HasAnExample_ThatValidatesAgainstItsOwnSchema()
    {
        var checkedBodies = 0;
        foreach (var (path, method, operation) in Operations())
        {
            var bodies = (operation["requestBody"]?["content"]?.AsObject() ?? []).Select(c => ("request", c))
                .Concat(operation["responses"]!.AsObject().SelectMany(r => (r.Value!["content"]?.AsObject() ?? []).Select(c => (r.Key, c))));
            foreach (var (what, (mediaType, media)) in bodies.Where(b => OpenApiContract.IsJson(b.c.Key)))
            {
                var example = media!["example"];
                Assert.True(example is not null, $"{method} {path} {what} {mediaType} has no example.");
                var errors = OpenApiContract.Hub.Validate(media["schema"]!, JsonSerializer.SerializeToElement(example));
                Assert.True(errors.Count == 0, $"The example of {method} {path} {what} {mediaType} does not match its schema:\n{string.Join("\n", errors)}");
                checkedBodies++;
            }
        }

        Assert.True(checkedBodies > 50, $"Only {checkedBodies} JSON bodies were checked.");
    }

    [Fact]
    public void ProblemAnswers_AreRfc9457ProblemsWithInstance_AtThePathThatAnswered()
    {
        var problem = Document["components"]!["schemas"]!["Problem"]!;
        Assert.Equal(["type", "title", "status", "detail", "instance"], problem["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.True(problem["properties"]!.AsObject().ContainsKey("invalid-parameters"));
        foreach (var (path, method, operation) in Operations())
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) >= 400))
            {
                var content = response!["content"]!.AsObject();
                Assert.Equal(["application/problem+json"], content.Select(c => c.Key));
                Assert.Equal("#/components/schemas/Problem", content["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
                var instance = content["application/problem+json"]!["example"]!["instance"]!.GetValue<string>();
                Assert.Matches("^" + TemplateParameter().Replace(Regex.Escape("/api/v1" + path), "[^/]+") + "$", instance);
                Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), content["application/problem+json"]!["example"]!["status"]!.GetValue<int>());
            }
        }
    }

    [Fact]
    public void Servers_AreHttpsOn443_EndingInTheApiRoot_WithApiInfoUnderIt()
    {
        var servers = Document["servers"]!.AsArray().Select(s => new Uri(s!["url"]!.GetValue<string>())).ToArray();
        Assert.Equal("https://mellanrum.example.se/api/v1", servers[0].ToString());
        Assert.All(servers, s =>
        {
            Assert.Equal("https", s.Scheme);
            Assert.Equal(443, s.Port);
            Assert.Equal("/api/v1", s.AbsolutePath);
        });
        Assert.True(Document["paths"]!.AsObject().ContainsKey("/api-info"));
        Assert.DoesNotContain(Document["paths"]!.AsObject(), p => p.Key.StartsWith("/api/", StringComparison.Ordinal));
    }

    [Fact]
    public void Info_HasContactLicenseTermsServiceLevelAndLimitations()
    {
        var info = Document["info"]!;
        Assert.Equal(ApiInfo.Current.ApiVersion, info["version"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(info["contact"]?["email"]?.GetValue<string>()));
        Assert.StartsWith("https://", info["license"]?["url"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("https://", info["termsOfService"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(new[] { "availability", "responseTime", "support" }, k => Assert.False(string.IsNullOrEmpty(info["x-sla"]?[k]?.GetValue<string>())));
        Assert.Contains("256 KiB", info["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(info["x-limitations"]!.AsArray());
    }

    [Fact]
    public void EveryTimeProperty_HasAnRfc3339ExampleInUtc()
    {
        var times = Document["components"]!["schemas"]!.AsObject()
            .SelectMany(s => (s.Value!["properties"]?.AsObject() ?? []).Where(p => p.Value!["format"]?.GetValue<string>() == "date-time").Select(p => (Schema: s.Key, Property: p.Key, Example: p.Value!["example"]?.GetValue<string>())))
            .ToArray();
        Assert.NotEmpty(times);
        Assert.All(times, t => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$", t.Example ?? $"{t.Schema}.{t.Property}: no example"));
    }

    [Fact]
    public void Components_AreTheRecordsTheCodeUses_AndEveryNoteNamesOneOfTheirMembers()
    {
        var schemas = Document["components"]!["schemas"]!.AsObject();
        foreach (var name in new[] { "NormalisedUpdate", "Collaboration", "Member", "CollaborationSummaryCursorPage", "NormalisedUpdateCursorPage", "RejectionPage", "IngestAnswer", "SourceRegistration", "SourceRegistrationResult", "IssuedCredential", "CredentialView", "AuditEntryCursorPage", "CollaborationChange", "PartnerRegistration", "PartnerView", "Rejection", "DeliveryPage", "ReplayResult", "DigestRunView", "ApiInfo", "HealthAnswer", "Problem" })
        {
            Assert.True(schemas.ContainsKey(name), $"No component {name}.");
        }

        var properties = schemas["NormalisedUpdate"]!["properties"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.Equal(typeof(Mellanrum.Hub.Updates.NormalisedUpdate).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order(), properties.Order());
        Assert.Equal(Mellanrum.Hub.Normalisation.CanonicalFields.All.Order(StringComparer.Ordinal), schemas["CanonicalUpdate"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (type, member) in SchemaNotes.NotedMembers)
        {
            Assert.True(type.GetProperty(member, BindingFlags.Public | BindingFlags.Instance) is not null, $"SchemaNotes names {type.Name}.{member}, which is not a property.");
        }

        var described = SchemaNotes.TypeDescriptions.Keys.Select(t => SchemaNotes.ComponentNames.GetValueOrDefault(t) ?? t.Name);
        Assert.All(described, d => Assert.True(schemas.ContainsKey(d), $"SchemaNotes describes {d}, which the document does not use."));
    }

    [Fact]
    public void EveryReference_PointsAtADefinedSchema()
    {
        var schemas = Document["components"]!["schemas"]!.AsObject().Select(s => "#/components/schemas/" + s.Key).ToHashSet();
        var references = References(Document).ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, schemas));
    }

    [Fact]
    public void PathParameters_MatchTheRouteTemplate()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var inRoute = TemplateParameter().Matches(Regex.Escape(path)).Select(m => m.Value[2..^1]).Order().ToArray();
            var declared = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).Order().ToArray();
            Assert.Equal(inRoute, declared);
        }
    }

    [Fact]
    public void EveryOperation_AcceptsTraceparent_AndEveryAnswerDeclaresIt()
    {
        // DIGG's REST API profile: accept a W3C traceparent (SPA.02) and answer with one (SPA.04), on every operation.
        var answers = 0;
        foreach (var (path, method, operation) in Operations())
        {
            var headers = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>()).ToArray();
            Assert.True(headers.Contains("traceparent") && headers.Contains("tracestate"), $"{method} {path} does not declare traceparent and tracestate.");
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                var header = response!["headers"]?["traceparent"];
                Assert.True(header is not null, $"{method} {path} {status} does not declare the traceparent it answers with.");
                Assert.Matches(header!["schema"]!["pattern"]!.GetValue<string>(), header["example"]!.GetValue<string>());
                answers++;
            }
        }

        Assert.True(answers > 100, $"Only {answers} answers were checked.");
        Assert.Contains("traceparent", OpenApiContract.Hub.CheckTraceParent("GET", "/api/v1/health", 200, null), StringComparison.Ordinal);
        Assert.Contains("traceparent", OpenApiContract.Hub.CheckTraceParent("GET", "/api/v1/health", 200, "00-abc-01"), StringComparison.Ordinal);
        Assert.Null(OpenApiContract.Hub.CheckTraceParent("GET", "/api/v1/health", 200, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    }

    [Fact]
    public void TheValidator_RefusesAFieldTheDocumentLacks_NamingThePathAndTheField()
    {
        var body = JsonSerializer.Serialize(new { status = "healthy", storage = "reachable", region = "swedencentral" });
        var error = OpenApiContract.Hub.Check("GET", "/api/v1/health", 200, "application/json", body);
        Assert.NotNull(error);
        Assert.Contains("/api/v1/health", error, StringComparison.Ordinal);
        Assert.Contains("region", error, StringComparison.Ordinal);
        Assert.Contains("500", OpenApiContract.Hub.Check("GET", "/api/v1/health", 500, "text/plain", "boom"), StringComparison.Ordinal);
        Assert.Contains("text/html", OpenApiContract.Hub.Check("GET", "/api/v1/health", 200, "text/html", "<p>ok</p>"), StringComparison.Ordinal);
        Assert.Null(OpenApiContract.Hub.Check("GET", "/api/v1/health", 200, "application/json", """{"status":"healthy","storage":"reachable"}"""));

        var update = JsonSerializer.SerializeToNode(ApiSamples.Update, Foundation.HubJson.Options)!;
        Assert.Null(OpenApiContract.Hub.Check("GET", "/api/v1/updates/" + ApiSamples.UpdateId, 200, "application/json", update.ToJsonString()));
        update["occurredAt"] = "igår";
        Assert.Contains("occurredAt", OpenApiContract.Hub.Check("GET", "/api/v1/updates/" + ApiSamples.UpdateId, 200, "application/json", update.ToJsonString()), StringComparison.Ordinal);
    }

    [Fact]
    public void TheServedText_IsTheBuiltDocument_AndApiInfoPointsAtItsPath()
    {
        Assert.True(JsonNode.DeepEquals(Document, JsonNode.Parse(OpenApiDocument.Json)), "The served text is not the document the code builds.");
        var routes = HttpFunctions.Load().ToDictionary(f => f.Name, f => f.Route);
        Assert.Equal("api/v1/openapi", routes[nameof(MetaFunctions.GetOpenApi)]);
        Assert.Equal("api/v1/openapi.json", routes[Alias]);
        Assert.Equal("/api/v1/openapi", ApiInfo.Current.ApiDocumentation);
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" ? [p.Value!.GetValue<string>()] : References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };

    [GeneratedRegex(@"\\\{[^}]+}")]
    private static partial Regex TemplateParameter();
}

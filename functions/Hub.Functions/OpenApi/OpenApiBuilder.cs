using System.Text.Json.Nodes;
using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Functions.Meta;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document: one path per HTTP function (its route from its <c>[HttpTrigger]</c>, relative to
/// the server URL, which ends in the API root), one operation per function from <see cref="ApiOperations"/>, and the
/// components from the records they use (<see cref="ComponentSchemas"/>). It refuses an HTTP function that has no
/// operation, an operation that names no function, and parameters that are not the route's.
/// </summary>
public static class OpenApiBuilder
{
    /// <summary>The host's route prefix (host.json) and the major version: the server URLs end in it.</summary>
    public const string ApiRoot = "/api/v1";

    private const string VersionSegment = "api/v1/";

    private const string ApiRouteStart = "api/";

    /// <summary>
    /// The W3C Trace Context a caller may send with any request (DIGG's REST API profile, SPA.02): the hub continues the
    /// trace, and the update's partners receive it in the CloudEvent's <c>traceparent</c>.
    /// </summary>
    public static readonly IReadOnlyList<ApiParameter> TraceParameters =
    [
        new(CarriedTrace.ParentHeader, ParameterLocation.Header,
            new("W3C Trace Context: the caller's span. The hub's spans for this request join its trace; an invalid value is ignored and a new trace begins.",
                "W3C Trace Context: anroparens span. Hubbens spann för anropet blir en del av dess spårning; ett ogiltigt värde ignoreras och en ny spårning börjar."),
            TraceParentSchema, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        new(CarriedTrace.StateHeader, ParameterLocation.Header,
            new("W3C Trace Context: vendor state that travels with traceparent (at most 512 characters).",
                "W3C Trace Context: leverantörsdata som följer med traceparent (högst 512 tecken)."),
            () => new JsonObject { ["type"] = "string", ["maxLength"] = CarriedTrace.MaxStateLength }, "congo=t61rcWkgMzE"),
    ];

    /// <summary>The <c>traceparent</c> of the hub's span that served the request, on every answer (DIGG SPA.04).</summary>
    public static readonly ApiHeader TraceHeader = new(
        CarriedTrace.ParentHeader,
        new("W3C Trace Context of the hub's span that served this request (in the caller's trace when it sent a traceparent): quote it when asking about the request.",
            "W3C Trace Context för hubbens span som besvarade anropet (i anroparens spårning om den skickade traceparent): ange den när ni frågar om anropet."),
        TraceParentSchema,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");

    private static JsonObject TraceParentSchema() => new() { ["type"] = "string", ["pattern"] = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$" };

    /// <summary>Stands for the document's own example: an excerpt of the document, made once it is built.</summary>
    public static readonly object ExcerptMarker = new();

    public static JsonObject Build() => Build(HttpFunctions.Load(), ApiOperations.All);

    public static JsonObject Build(IReadOnlyList<HttpFunction> functions, IReadOnlyList<ApiOperation> operations)
    {
        // Pages for people (and their assets) live beside the API, outside api/: they are not part of it.
        functions = functions.Where(f => f.Route.StartsWith(ApiRouteStart, StringComparison.Ordinal)).ToArray();
        var byName = operations.GroupBy(o => o.Function, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Count() == 1 ? g.Single() : throw new InvalidOperationException($"{g.Key} has {g.Count()} operations in ApiOperations."),
            StringComparer.Ordinal);
        var missing = functions.Where(f => !byName.ContainsKey(f.Name)).Select(f => f.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"HTTP functions without an operation in ApiOperations: {string.Join(", ", missing)}. Describe each (or mark it Undocumented).");
        }

        var known = functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var stale = operations.Where(o => !known.Contains(o.Function)).Select(o => o.Function).ToArray();
        if (stale.Length > 0)
        {
            throw new InvalidOperationException($"Operations in ApiOperations that name no HTTP function: {string.Join(", ", stale)}.");
        }

        foreach (var link in operations.SelectMany(o => o.Responses.SelectMany(r => r.Links.Select(l => (o.Function, Link: l)))))
        {
            var target = functions.SingleOrDefault(f => f.Name == link.Link.Operation && byName[f.Name].IsDocumented)
                ?? throw new InvalidOperationException($"{link.Function} links to {link.Link.Operation}, which is no documented HTTP function.");
            if (link.Link.Parameters.Keys.Except(target.RouteParameters).FirstOrDefault() is { } unknown)
            {
                throw new InvalidOperationException($"{link.Function} links to {target.Name} with {unknown}, which is not one of its path parameters.");
            }
        }

        var components = new ComponentSchemas();
        var paths = new JsonObject();
        JsonObject? documentContent = null;
        foreach (var operation in operations.Where(o => o.IsDocumented))
        {
            var function = functions.Single(f => f.Name == operation.Function);
            var path = PathOf(function);
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            foreach (var method in function.Methods)
            {
                item[method] = Operation(function, operation, path, components, ref documentContent);
            }
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = ApiDescription.Info(),
            ["servers"] = ApiDescription.Servers(),
            ["tags"] = new JsonArray(ApiDescription.Tags
                .Where(t => operations.Any(o => o.IsDocumented && o.Tag == t.Name))
                .Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description.Short })
                .ToArray()),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = components.Build(),
                ["securitySchemes"] = ApiDescription.SecuritySchemes(),
            },
        };
        if (documentContent is not null)
        {
            documentContent["example"] = Excerpt(document);
        }

        return document;
    }

    /// <summary>What the document answers is an OpenAPI 3.1 document: this much is checked of it.</summary>
    public static JsonObject DocumentSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "An OpenAPI 3.1 document. / Ett OpenAPI 3.1-dokument.",
        ["required"] = new JsonArray("openapi", "info", "paths"),
        ["properties"] = new JsonObject
        {
            ["openapi"] = new JsonObject { ["type"] = "string", ["pattern"] = "^3\\.1\\.[0-9]+$" },
            ["info"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("title", "version") },
            ["servers"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("url") } },
            ["tags"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") } },
            ["paths"] = new JsonObject { ["type"] = "object" },
            ["components"] = new JsonObject { ["type"] = "object" },
        },
    };

    /// <summary>The document's path of a function: its route after the version segment, which the server URL holds.</summary>
    public static string PathOf(HttpFunction function)
    {
        if (!function.Route.StartsWith(VersionSegment, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The route of {function.Name} ({function.Route}) is not under {VersionSegment}: the document's servers end in {ApiRoot}.");
        }

        return "/" + HttpFunctions.RouteParameter().Replace(function.Route[VersionSegment.Length..], m => "{" + m.Groups[1].Value + "}");
    }

    private static JsonObject Operation(HttpFunction function, ApiOperation operation, string path, ComponentSchemas components, ref JsonObject? documentContent)
    {
        var declared = operation.Parameters.Where(p => p.In == ParameterLocation.Path).Select(p => p.Name).Order(StringComparer.Ordinal);
        if (!declared.SequenceEqual(function.RouteParameters.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{function.Name}: the path parameters ({string.Join(", ", declared)}) are not the route's ({string.Join(", ", function.RouteParameters)}).");
        }

        var result = new JsonObject
        {
            ["tags"] = new JsonArray(operation.Tag),
            ["summary"] = operation.Summary.Short,
            ["description"] = operation.Description.Long,
            ["operationId"] = function.Name,
        };
        // Every operation accepts a W3C traceparent (and tracestate) and every answer carries one (DIGG SPA.02, SPA.04).
        result["parameters"] = new JsonArray(operation.Parameters.Concat(TraceParameters).Select(p => (JsonNode)Parameter(p)).ToArray());

        if (operation.Request is { } request)
        {
            result["requestBody"] = new JsonObject
            {
                ["required"] = request.Required,
                ["content"] = Content(request.Content, components, null, ref documentContent),
            };
        }

        var instance = ApiRoot + operation.Parameters.Where(p => p.In == ParameterLocation.Path)
            .Aggregate(path, (p, parameter) => p.Replace("{" + parameter.Name + "}", parameter.Example ?? parameter.Name, StringComparison.Ordinal));
        var responses = new JsonObject();
        foreach (var response in operation.Responses.OrderBy(r => r.Status))
        {
            var answer = new JsonObject { ["description"] = response.Description.Short };
            var headers = response.Headers.Append(TraceHeader).ToList();
            if (response.Status == 401)
            {
                // ProblemResult answers every 401 with WWW-Authenticate: Bearer.
                headers.Add(new ApiHeader("WWW-Authenticate", new("The scheme to authenticate with.", "Schemat att autentisera med."), () => new JsonObject { ["type"] = "string" }, "Bearer"));
            }

            if (headers.Count > 0)
            {
                answer["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Name, (JsonNode?)Header(h))));
            }

            if (response.Links.Count > 0)
            {
                answer["links"] = new JsonObject(response.Links.Select(l => KeyValuePair.Create(l.Name, (JsonNode?)new JsonObject
                {
                    ["operationId"] = l.Operation,
                    ["parameters"] = new JsonObject(l.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                    ["description"] = l.Description.Short,
                })));
            }

            var problem = response.Example is { } example ? Serialise(ProblemBody.Of(example, instance)) : null;
            answer["content"] = Content(response.Content, components, problem, ref documentContent);
            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = answer;
        }

        result["responses"] = responses;
        if (operation.Security.Count > 0)
        {
            result["security"] = new JsonArray(operation.Security.Select(s => (JsonNode)new JsonObject { [s] = new JsonArray() }).ToArray());
        }

        return result;
    }

    private static JsonObject Content(IReadOnlyList<ApiContent> content, ComponentSchemas components, JsonNode? problemExample, ref JsonObject? documentContent)
    {
        var result = new JsonObject();
        foreach (var body in content)
        {
            var media = new JsonObject
            {
                ["schema"] = body.Type is { } type ? components.Ref(type)
                    : body.Schema?.Invoke(components) ?? throw new InvalidOperationException($"A {body.MediaType} body has neither a type nor a schema."),
            };
            if (ReferenceEquals(body.Example, ExcerptMarker))
            {
                documentContent = media;
            }
            else if ((problemExample ?? Serialise(body.Example)) is { } example)
            {
                media["example"] = example;
            }

            result[body.MediaType] = media;
        }

        return result;
    }

    private static JsonObject Parameter(ApiParameter parameter)
    {
        var result = new JsonObject
        {
            ["name"] = parameter.Name,
            ["in"] = parameter.In.ToString().ToLowerInvariant(),
            ["description"] = parameter.Description.Short,
            ["required"] = parameter.Required || parameter.In == ParameterLocation.Path,
            ["schema"] = parameter.Schema(),
        };
        if (parameter.Example is { } example)
        {
            result["example"] = example;
        }

        return result;
    }

    private static JsonObject Header(ApiHeader header)
    {
        var result = new JsonObject { ["description"] = header.Description.Short, ["schema"] = header.Schema() };
        if (header.Example is { } example)
        {
            result["example"] = example;
        }

        return result;
    }

    private static JsonNode? Serialise(object? value) => value is null ? null : ComponentSchemas.Serialise(value);

    /// <summary>The document's own example: its version, its info and the path of api-info, as they are in it.</summary>
    private static JsonObject Excerpt(JsonObject document)
    {
        var apiInfo = document["paths"]!.AsObject().Single(p => p.Value!.AsObject().Any(m => m.Value!["operationId"]!.GetValue<string>() == nameof(MetaFunctions.GetApiInfo)));
        return new JsonObject
        {
            ["openapi"] = document["openapi"]!.DeepClone(),
            ["info"] = document["info"]!.DeepClone(),
            ["paths"] = new JsonObject { [apiInfo.Key] = apiInfo.Value!.DeepClone() },
        };
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Mellanrum.Hub.Functions.OpenApi;

namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>
/// The hub's OpenAPI document as a checker of answers: finds the operation of a request (path template and method),
/// and checks that its status is documented, that its content type is one documented for that status and, for JSON,
/// that the body validates (JSON Schema 2020-12, formats checked) against the schema documented for it. Validation is
/// stricter than the document: an object may hold no property its schema does not name, so a field the code writes and
/// the document lacks fails.
/// </summary>
public sealed partial class OpenApiContract(JsonObject document)
{
    private const string ComponentPrefix = "#/components/schemas/";
    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Where the components are registered, once, for every validation schema to refer to.</summary>
    private static readonly Uri Components = new("https://mellanrum.test/openapi/components");

    private static readonly EvaluationOptions Quick = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions Detailed = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly IReadOnlyList<(Regex Pattern, string Template, string Method, JsonObject Operation)> _operations = OperationsOf(document);
    private readonly BuildOptions _build = WithComponents(document);
    // Lazy values and one lock: GetOrAdd may run its factory twice at once, and a schema registers its URI once only.
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema>> _schemas = new(StringComparer.Ordinal);
    private readonly Lock _building = new();

    /// <summary>The document the hub serves, built from the code as the hub builds it.</summary>
    public static OpenApiContract Hub { get; } = new(OpenApiDocument.Build());

    /// <summary>The path every server URL ends in (<c>/api/v1</c>): the document's paths are relative to it.</summary>
    public string ApiRoot { get; } = new Uri(document["servers"]![0]!["url"]!.GetValue<string>()).AbsolutePath.TrimEnd('/');

    /// <summary>The documented operation of a request, if any: its path template, method and operation object.</summary>
    public (string Template, string Method, JsonObject Operation)? Find(string method, string absolutePath)
    {
        if (!absolutePath.StartsWith(ApiRoot + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = absolutePath[ApiRoot.Length..];
        var lower = method.ToLowerInvariant();
        // As the hosts route: of the templates that match, the one with the most literal segments wins.
        return _operations.Where(o => o.Method == lower && o.Pattern.IsMatch(relative))
            .OrderByDescending(o => o.Template.Split('/').Count(segment => !segment.StartsWith('{')))
            .Select(o => ((string, string, JsonObject)?)(o.Template, o.Method, o.Operation)).FirstOrDefault();
    }

    /// <summary>
    /// What is wrong with an answer's <c>traceparent</c>: null when the document declares none for it (or the path is not
    /// documented), or when it carries a valid one.
    /// </summary>
    public string? CheckTraceParent(string method, string absolutePath, int status, string? traceParent)
    {
        if (Find(method, absolutePath) is not { } found
            || found.Operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["headers"]?["traceparent"] is null)
        {
            return null;
        }

        return traceParent is not null && TraceParentPattern().IsMatch(traceParent)
            ? null
            : $"{method.ToUpperInvariant()} {absolutePath} ({found.Operation["operationId"]}) answered {status} with traceparent '{traceParent ?? "(none)"}', which the document declares on that answer.";
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex TraceParentPattern();

    /// <summary>What is wrong with an answer, or null when it is what the document says (or the path is not documented).</summary>
    public string? Check(string method, string absolutePath, int status, string? mediaType, string body)
    {
        if (Find(method, absolutePath) is not { } found)
        {
            return null;
        }

        var where = $"{method.ToUpperInvariant()} {absolutePath} ({found.Operation["operationId"]}, {found.Template}) answered {status}";
        if (found.Operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not JsonObject response)
        {
            return $"{where}, a status the OpenAPI document does not list for it. Body: {Cut(body)}";
        }

        if (response["content"] is not JsonObject content || content.Count == 0)
        {
            return body.Length == 0 ? null : $"{where} with a body, but the document gives that answer none. Body: {Cut(body)}";
        }

        var documented = content.FirstOrDefault(c => string.Equals(c.Key, mediaType, StringComparison.OrdinalIgnoreCase));
        if (documented.Value is null)
        {
            return $"{where} as {mediaType ?? "(no content type)"}, which the document does not list (it lists {string.Join(", ", content.Select(c => c.Key))}).";
        }

        if (!IsJson(documented.Key))
        {
            return null;
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return $"{where} as {mediaType}, but the body is not JSON ({e.Message}): {Cut(body)}";
        }

        var errors = Errors(SchemaOf(found.Operation["operationId"]!.GetValue<string>(), status, documented.Key, documented.Value["schema"]!), instance);
        return errors.Count == 0 ? null : $"{where} with a {documented.Key} body that does not match the OpenAPI document:\n  {string.Join("\n  ", errors)}\nBody: {Cut(body)}";
    }

    /// <summary>What is wrong with <paramref name="instance"/> against a schema of the document (refs to its components).</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonElement instance) => Errors(Build(schema, "adhoc/" + Guid.NewGuid().ToString("N")), instance);

    private static List<(Regex, string, string, JsonObject)> OperationsOf(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path =>
        {
            var pattern = new Regex("^" + TemplateParameter().Replace(Regex.Escape(path.Key), "[^/]+") + "$", RegexOptions.CultureInvariant);
            return path.Value!.AsObject().Select(m => (pattern, path.Key, m.Key, m.Value!.AsObject()));
        }).ToList();

    /// <summary>Build options whose registry holds the components (references resolved, objects strict) as one schema's <c>$defs</c>.</summary>
    private static BuildOptions WithComponents(JsonObject document)
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var components = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = Components.ToString(),
            ["$defs"] = new JsonObject(document["components"]!["schemas"]!.AsObject().Select(s => KeyValuePair.Create(s.Key, Strict(Local(s.Value!.DeepClone()))))),
        };
        options.SchemaRegistry.Register(JsonSchema.FromText(components.ToJsonString(), options, Components));
        return options;
    }

    public static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private JsonSchema SchemaOf(string operationId, int status, string mediaType, JsonNode schema) =>
        _schemas.GetOrAdd($"{operationId}/{status}/{mediaType}", key => new Lazy<JsonSchema>(() => Build(schema, key))).Value;

    private JsonSchema Build(JsonNode schema, string key)
    {
        var root = (JsonObject)Strict(Local(schema.DeepClone()))!;
        root["$schema"] = Dialect;
        lock (_building)
        {
            return JsonSchema.FromText(root.ToJsonString(), _build, new Uri("https://mellanrum.test/openapi/" + Uri.EscapeDataString(key)));
        }
    }

    private static List<string> Errors(JsonSchema schema, JsonElement instance)
    {
        if (schema.Evaluate(instance, Quick).IsValid)
        {
            return [];
        }

        var results = schema.Evaluate(instance, Detailed);
        var details = (results.Details ?? []).Prepend(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value} (schema {d.EvaluationPath})"))
            .Distinct()
            .ToList();
        return details.Count > 0 ? details : ["the body does not match (no detail)"];
    }

    /// <summary>The document's component references, made to point at the registered components.</summary>
    private static JsonNode? Local(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToArray())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                    {
                        o[key] = Components + "#/$defs/" + reference[ComponentPrefix.Length..];
                    }
                    else
                    {
                        Local(value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Local(item);
                }

                break;
        }

        return node;
    }

    /// <summary>Every object schema that names its properties allows no others.</summary>
    private static JsonNode? Strict(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["properties"] is JsonObject properties && o["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "object")
                {
                    o.TryAdd("additionalProperties", false);
                    foreach (var (_, property) in properties)
                    {
                        Strict(property);
                    }

                    foreach (var (key, value) in o.Where(p => p.Key != "properties").ToArray())
                    {
                        Strict(value);
                    }
                }
                else
                {
                    foreach (var (_, value) in o.ToArray())
                    {
                        Strict(value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Strict(item);
                }

                break;
        }

        return node;
    }

    private static string Cut(string body) => body.Length <= 600 ? body : body[..600] + "…";

    [GeneratedRegex(@"\\\{[^}]+}")]
    private static partial Regex TemplateParameter();
}

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// The document's <c>components/schemas</c>, exported by <see cref="JsonSchemaExporter"/> from the records the code reads
/// and writes, with <see cref="HubJson.Options"/> (camelCase, nulls omitted, kebab-case enums). Every record of the hub
/// becomes a component of its own and is referenced where it is used. Because nulls are never written, a nullable
/// property is an optional one and a non-nullable property is required. <see cref="SchemaNotes"/> adds what a type
/// cannot say (descriptions, closed word lists); date and time properties get an example from the type's sample
/// (<see cref="ApiSamples"/>), so that each shows an RFC 3339 value as the hub writes it.
/// </summary>
public sealed class ComponentSchemas
{
    private const string Prefix = "#/components/schemas/";

    // Reading is lenient about numbers in strings (JsonSerializerDefaults.Web); the hub writes numbers as numbers, and
    // the contract describes what it writes. Everything else is HubJson.Options as it is.
    private static readonly JsonSerializerOptions Options = new(HubJson.Options) { NumberHandling = JsonNumberHandling.Strict };

    private readonly Dictionary<Type, string> _names = [];
    private readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Queue<Type> _pending = new();

    /// <summary>A <c>$ref</c> to the component of <paramref name="type"/>, registering it.</summary>
    public JsonObject Ref(Type type) => new() { ["$ref"] = Prefix + Name(type) };

    /// <summary>The JSON of a sample, as the hub writes it.</summary>
    public static JsonNode? Serialise(object? value) => value is JsonNode node ? node.DeepClone() : JsonSerializer.SerializeToNode(value, value?.GetType() ?? typeof(object), HubJson.Options);

    /// <summary>Every registered component and what it refers to, sorted by name.</summary>
    public JsonObject Build()
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        while (_pending.TryDequeue(out var type))
        {
            schemas[_names[type]] = Export(type);
        }

        return new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
    }

    /// <summary>The component name of a record: its type name; a <c>Page&lt;T&gt;</c> is <c>TPage</c>.</summary>
    private string Name(Type type)
    {
        if (_names.TryGetValue(type, out var known))
        {
            return known;
        }

        var name = SchemaNotes.ComponentNames.GetValueOrDefault(type)
            ?? (type.IsGenericType
                ? string.Concat(type.GetGenericArguments().Select(a => a.Name)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]
                : type.Name);
        if (_types.TryGetValue(name, out var other) && other != type)
        {
            throw new InvalidOperationException($"Two records would be the component {name}: {other.FullName} and {type.FullName}.");
        }

        _names[type] = name;
        _types[name] = type;
        _pending.Enqueue(type);
        return name;
    }

    private JsonNode Export(Type type)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(type, context, node),
        };
        var schema = (JsonObject)JsonSchemaExporter.GetJsonSchemaAsNode(Options, type, exporter);
        AddTimeExamples(type, schema);
        return schema;
    }

    private JsonNode Transform(Type root, JsonSchemaExporterContext context, JsonNode node)
    {
        var typeInfo = context.TypeInfo;
        var readAs = context.PropertyInfo is { } read ? SchemaNotes.ReadAs.GetValueOrDefault((read.DeclaringType, Member(read).Name)) : null;
        if (readAs is not null || (context.Path.Length > 0 && IsRecordOfTheHub(typeInfo)))
        {
            var reference = Ref(readAs ?? typeInfo.Type);
            if (context.PropertyInfo is { } referring)
            {
                SchemaNotes.ApplyToProperty(Member(referring), reference);
            }

            return reference;
        }

        if (typeInfo.Type == typeof(DateTimeOffset) || typeInfo.Type == typeof(DateTimeOffset?))
        {
            // Every time goes through the hub's UtcDateTimeOffsetConverter (HubJson), which the exporter cannot see into.
            node = new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }
        else if (context.PropertyInfo?.CustomConverter is { } converter && node is not JsonObject)
        {
            // A converter's output is opaque to the exporter: say what each of the hub's converters writes.
            throw new InvalidOperationException($"{context.PropertyInfo.DeclaringType.Name}.{context.PropertyInfo.Name} is written by {converter.GetType().Name}, which ComponentSchemas does not describe.");
        }

        if (node is not JsonObject schema)
        {
            return node;
        }

        WithoutNull(schema);
        if (context.PropertyInfo is { } property)
        {
            SchemaNotes.ApplyToProperty(Member(property), schema);
        }

        if (context.Path.Length == 0 && IsRecordOfTheHub(typeInfo))
        {
            var required = Required(root, typeInfo, schema);
            schema.Remove("required");
            if (required.Count > 0)
            {
                schema["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
            }

            if (SchemaNotes.TypeDescriptions.TryGetValue(root, out var description))
            {
                var ordered = new JsonObject { ["description"] = description.Long };
                foreach (var (key, value) in schema.ToArray())
                {
                    schema.Remove(key);
                    ordered[key] = value;
                }

                return ordered;
            }
        }

        return node;
    }

    /// <summary>
    /// What is always there: a property that is never null (nulls are omitted, so a nullable one may be missing) and has
    /// no default (a default means a request may leave it out); <see cref="SchemaNotes.RequiredInRequests"/> says it for
    /// request bodies whose rules are in code rather than in their types.
    /// </summary>
    private static IReadOnlyList<string> Required(Type type, JsonTypeInfo typeInfo, JsonObject schema)
    {
        if (SchemaNotes.RequiredInRequests.TryGetValue(type, out var members))
        {
            var named = typeInfo.Properties.Where(p => members.Contains(Member(p).Name, StringComparer.Ordinal)).Select(p => p.Name).ToArray();
            return named.Length == members.Count
                ? named
                : throw new InvalidOperationException($"SchemaNotes names required members of {type.Name} that it does not have: {string.Join(", ", members)}.");
        }

        return typeInfo.Properties
            .Where(p => p.Get is not null && !p.IsGetNullable && schema["properties"]?[p.Name] is JsonObject property && !property.ContainsKey("default"))
            .Select(p => p.Name)
            .ToArray();
    }

    /// <summary>
    /// Nulls are never written (<see cref="JsonIgnoreCondition.WhenWritingNull"/>): a nullable property is absent
    /// instead, so its schema is that of its value, and a <c>null</c> default says nothing.
    /// </summary>
    private static void WithoutNull(JsonObject schema)
    {
        if (schema["type"] is JsonArray types)
        {
            var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToArray();
            schema["type"] = kept.Length == 1 ? kept[0] : new JsonArray(kept.Select(k => (JsonNode)k).ToArray());
        }

        if (schema.TryGetPropertyValue("default", out var value) && value is null)
        {
            schema.Remove("default");
        }
    }

    /// <summary>DIGG's DOT.02: every date and time property shows an RFC 3339 example, taken from the type's sample.</summary>
    private static void AddTimeExamples(Type type, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        var timed = properties.Where(p => p.Value is JsonObject property && property["format"]?.GetValue<string>() is "date-time" or "date").Select(p => p.Key).ToArray();
        if (timed.Length == 0)
        {
            return;
        }

        var sample = ApiSamples.Of(type)
            ?? throw new InvalidOperationException($"{type.Name} has date or time properties ({string.Join(", ", timed)}) but ApiSamples has no sample of it to take their examples from.");
        var json = Serialise(sample)!.AsObject();
        foreach (var name in timed)
        {
            properties[name]!["example"] = json[name]?.DeepClone()
                ?? throw new InvalidOperationException($"The sample {type.Name} has no value for {name}: give it one, so the document can show an example.");
        }
    }

    private static bool IsRecordOfTheHub(JsonTypeInfo typeInfo) =>
        typeInfo.Kind == JsonTypeInfoKind.Object
        && typeInfo.Type.Assembly.GetName().Name is { } assembly
        && assembly.StartsWith("Mellanrum.", StringComparison.Ordinal);

    private static MemberInfo Member(JsonPropertyInfo property) =>
        property.AttributeProvider as MemberInfo
        ?? throw new InvalidOperationException($"The property {property.Name} of {property.DeclaringType.Name} is not a member.");
}

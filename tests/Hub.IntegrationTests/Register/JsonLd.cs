using System.Text.Json;

namespace Mellanrum.Hub.IntegrationTests.Register;

/// <summary>
/// The part of JSON-LD 1.1 expansion a flat DCAT document needs, done by the rules of the specification: a
/// <c>@context</c> of prefixes only, a <c>@graph</c> of node objects whose keys are compact IRIs
/// (<c>prefix:term</c>) or keywords, values that are node references (<c>{"@id"}</c>), value objects
/// (<c>@value</c> with <c>@language</c> or <c>@type</c>), strings, or arrays of these. Anything else (an undefined
/// prefix, a relative property, an unknown keyword) fails, as a JSON-LD processor would refuse or drop it.
/// </summary>
public static class JsonLd
{
    public sealed record Node(string Id, IReadOnlyList<string> Types, IReadOnlyDictionary<string, IReadOnlyList<JsonElement>> Properties)
    {
        /// <summary>The IRIs the property refers to (its node references).</summary>
        public IReadOnlyList<string> Ids(string property) =>
            Properties.TryGetValue(property, out var values) ? [.. values.Where(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("@id", out _)).Select(v => v.GetProperty("@id").GetString()!)] : [];
    }

    public static IReadOnlyList<Node> Expand(JsonElement document)
    {
        var prefixes = document.GetProperty("@context").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        Assert.All(prefixes.Values, iri => Assert.True(Uri.IsWellFormedUriString(iri, UriKind.Absolute), $"The context's {iri} is not an absolute IRI."));
        var nodes = new List<Node>();
        foreach (var node in document.GetProperty("@graph").EnumerateArray())
        {
            var id = node.GetProperty("@id").GetString()!;
            Assert.True(Uri.IsWellFormedUriString(id, UriKind.Absolute), $"{id} is not an absolute IRI.");
            var types = new List<string>();
            var properties = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
            foreach (var property in node.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "@id":
                        continue;
                    case "@type":
                        types.AddRange(Values(property.Value).Select(t => Iri(t.GetString()!, prefixes)));
                        continue;
                    default:
                        Assert.False(property.Name.StartsWith('@'), $"Unknown keyword {property.Name}.");
                        var values = Values(property.Value).ToArray();
                        Assert.All(values, Check);
                        properties[Iri(property.Name, prefixes)] = values.Select(v => Expanded(v, prefixes)).ToArray();
                        break;
                }
            }

            nodes.Add(new Node(id, types, properties));
        }

        return nodes;
    }

    private static IEnumerable<JsonElement> Values(JsonElement value) => value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];

    private static void Check(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Assert.True(value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False, $"{value} is not a JSON-LD value.");
            return;
        }

        var keys = value.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.True(
            keys.SetEquals(["@id"]) || (keys.Contains("@value") && keys.IsSubsetOf(["@value", "@language", "@type"]) && !(keys.Contains("@language") && keys.Contains("@type")))
                || (keys.Contains("@type") && !keys.Contains("@value")),
            $"{value} is neither a node reference, a value object nor a node.");
    }

    private static JsonElement Expanded(JsonElement value, Dictionary<string, string> prefixes)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("@id", out var id) && value.EnumerateObject().Count() == 1)
        {
            return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["@id"] = Iri(id.GetString()!, prefixes) });
        }

        return value;
    }

    /// <summary>A compact IRI expanded by its prefix, an absolute IRI as it is; anything else fails.</summary>
    private static string Iri(string value, Dictionary<string, string> prefixes)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        Assert.True(colon > 0, $"{value} is neither a compact nor an absolute IRI.");
        var prefix = value[..colon];
        if (prefixes.TryGetValue(prefix, out var iri) && !value[(colon + 1)..].StartsWith("//", StringComparison.Ordinal))
        {
            return iri + value[(colon + 1)..];
        }

        Assert.True(Uri.IsWellFormedUriString(value, UriKind.Absolute), $"{value}: the prefix {prefix} is not defined.");
        return value;
    }
}

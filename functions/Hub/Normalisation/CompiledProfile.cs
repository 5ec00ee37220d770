using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>A mapping profile made ready to run: pointers parsed, value maps folded. Compiled once per profile instance.</summary>
internal sealed class CompiledProfile
{
    private static readonly ConditionalWeakTable<MappingProfile, CompiledProfile> Cache = [];

    private CompiledProfile(JsonPointer?[] pointers, FrozenDictionary<string, string>?[] values, JsonElement?[] defaults, List<InvalidParameter> errors)
    {
        Pointers = pointers;
        Values = values;
        Defaults = defaults;
        Errors = errors;
    }

    /// <summary>By <see cref="CanonicalFields.All"/> index.</summary>
    public JsonPointer?[] Pointers { get; }

    public FrozenDictionary<string, string>?[] Values { get; }

    public JsonElement?[] Defaults { get; }

    /// <summary>What is wrong with the profile; empty when it is sound.</summary>
    public List<InvalidParameter> Errors { get; }

    public static CompiledProfile For(MappingProfile profile, UpdateNormaliser normaliser) =>
        Cache.GetValue(profile, p => Compile(p, normaliser));

    public static CompiledProfile Compile(MappingProfile profile, UpdateNormaliser normaliser)
    {
        var errors = new List<InvalidParameter>();
        var count = CanonicalFields.All.Count;
        var pointers = new JsonPointer?[count];
        var values = new FrozenDictionary<string, string>?[count];
        var defaults = new JsonElement?[count];

        foreach (var (field, text) in profile.Fields ?? FrozenDictionary<string, string>.Empty)
        {
            var index = CanonicalFields.IndexOf(field);
            if (index < 0)
            {
                errors.Add(new InvalidParameter($"profile.fields.{Safe(field)}", $"Not a canonical field; use one of: {string.Join(", ", CanonicalFields.All)}."));
                continue;
            }

            if (!JsonPointer.TryParse(text, out var pointer, out var reason))
            {
                errors.Add(new InvalidParameter($"profile.fields.{field}", reason, Echo.Of(text)));
                continue;
            }

            pointers[index] = pointer;
        }

        foreach (var (field, map) in profile.Values ?? FrozenDictionary<string, IReadOnlyDictionary<string, string>>.Empty)
        {
            var index = CanonicalFields.IndexOf(field);
            if (index < 0 || !CanonicalFields.Mappable.Contains(field))
            {
                errors.Add(new InvalidParameter($"profile.values.{Safe(field)}", $"Words can be mapped for: {string.Join(", ", CanonicalFields.Mappable)}."));
                continue;
            }

            var folded = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (theirs, ours) in map ?? FrozenDictionary<string, string>.Empty)
            {
                var property = $"profile.values.{field}.{Safe(theirs)}";
                var key = theirs is null ? string.Empty : Folding.Fold(theirs);
                if (key.Length == 0)
                {
                    errors.Add(new InvalidParameter(property, "The source's word must not be empty."));
                    continue;
                }

                var target = normaliser.ResolveWord(field, ours, property, errors);
                if (target is null)
                {
                    continue;
                }

                if (folded.TryGetValue(key, out var existing) && existing != target)
                {
                    errors.Add(new InvalidParameter(property, $"Means both '{existing}' and '{target}' (words are matched regardless of case and accents)."));
                    continue;
                }

                folded[key] = target;
            }

            values[index] = folded.ToFrozenDictionary(StringComparer.Ordinal);
        }

        foreach (var (field, value) in profile.Defaults ?? FrozenDictionary<string, JsonElement>.Empty)
        {
            var index = CanonicalFields.IndexOf(field);
            var property = $"profile.defaults.{Safe(field)}";
            if (index < 0)
            {
                errors.Add(new InvalidParameter(property, $"Not a canonical field; use one of: {string.Join(", ", CanonicalFields.All)}."));
                continue;
            }

            if (CanonicalFields.WithoutDefault.Contains(field))
            {
                errors.Add(new InvalidParameter(property, $"{field} cannot have a default: every update has its own."));
                continue;
            }

            if (normaliser.CheckDefault(field, value, property, errors))
            {
                defaults[index] = value.Clone();
            }
        }

        return new CompiledProfile(pointers, values, defaults, errors);
    }

    private static string Safe(string? name) => name is null ? string.Empty : Echo.Of(name) ?? "(hidden)";
}

using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The fields that hold one of our words: kind, status and area, read in Swedish or English, any case or accents.</summary>
internal static class WordField
{
    /// <summary>Our word, or null: when missing (an error if <paramref name="required"/>), or with an error under <paramref name="property"/> (else the field's name).</summary>
    public static string? Read(JsonElement value, FrozenDictionary<string, string>? map, WordLookup words, bool required, ErrorList errors, string? property = null)
    {
        property ??= words.Field;
        if (FieldValue.IsMissing(value))
        {
            if (required)
            {
                errors.Add(property, $"Required: one of {words.Hint}.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(property, $"Must be text: one of {words.Hint}.");
            return null;
        }

        // Fast path: the canonical word itself, without allocating.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length is > 2 and < 64 && raw.IndexOf((byte)'\\') < 0)
        {
            Span<char> chars = stackalloc char[64];
            var utf8 = raw[1..^1];
            if (System.Text.Unicode.Utf8.ToUtf16(utf8, chars, out _, out var written) == System.Buffers.OperationStatus.Done)
            {
                var text = chars[..written];
                if (map is not null && FieldValue.Mapped(text, map) is { } fromMap)
                {
                    return fromMap;
                }

                if (words.TryResolve(text, out var canonical))
                {
                    return canonical;
                }
            }
        }

        var s = JsonText.GetString(value);
        if (map is not null && FieldValue.Mapped(s, map) is { } mapped)
        {
            return mapped;
        }

        if (words.TryResolve(s, out var word))
        {
            return word;
        }

        if (string.IsNullOrWhiteSpace(s))
        {
            if (required)
            {
                errors.Add(property, $"Required: one of {words.Hint}.");
            }

            return null;
        }

        errors.Add(property, $"Unknown {words.Field}; use one of {words.Hint}.", Echo.Of(s));
        return null;
    }
}

using System.Collections.Frozen;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// What the field families share: a value that is not there, a value as text, text cleaned of markup (and refused when
/// too long or holding a personnummer), and a source's word as a profile's value map has it.
/// </summary>
internal static class FieldValue
{
    public const string PersonnummerReason =
        "Holds what looks like a Swedish personal identity number (personnummer or samordningsnummer); this hub carries no personal records.";

    /// <summary>Raw text longer than this is refused before cleaning: no markup shrinks it into the limit honestly.</summary>
    private const int MaxRawFactor = 16;

    public static bool IsMissing(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>A string's text, or a number's digits where a number is a fair way to write it; else null with an error.</summary>
    public static string? Scalar(JsonElement value, string property, bool numbers, ErrorList errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return JsonText.GetString(value);
            case JsonValueKind.Number when numbers:
                return value.GetRawText();
            default:
                errors.Add(property, numbers ? "Must be text or a number." : "Must be text.");
                return null;
        }
    }

    /// <summary>The text cleaned of markup and control characters, at most <paramref name="max"/> long; else null with an error.</summary>
    public static string? Clean(string raw, string property, bool multiline, int max, ErrorList errors)
    {
        if (raw.Length > max * MaxRawFactor)
        {
            errors.Add(property, $"At most {max} characters.", Echo.Of(raw));
            return null;
        }

        if (!TextCleaner.TryClean(raw, multiline, out var cleaned))
        {
            errors.Add(property, "Its markup is nested too deeply to read as text.");
            return null;
        }

        if (cleaned.Length > max)
        {
            errors.Add(property, $"At most {max} characters after removing markup (has {cleaned.Length}).", Echo.Of(cleaned));
            return null;
        }

        if (PersonnummerGuard.Contains(cleaned))
        {
            errors.Add(property, PersonnummerReason);
            return null;
        }

        return cleaned;
    }

    /// <summary>Our word for <paramref name="text"/> in a profile's value map (matched folded), or null.</summary>
    public static string? Mapped(ReadOnlySpan<char> text, FrozenDictionary<string, string> map)
    {
        if (text.Length > 256)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[256];
        var length = Folding.Fold(text, buffer);
        return map.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(buffer[..length], out var ours) ? ours : null;
    }
}

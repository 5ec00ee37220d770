using System.Collections.Frozen;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The update's tags: a list of words or one text separated by ',' or ';', cleaned, without '#', each once (any case).</summary>
internal static class TagsField
{
    public const int MaxLength = 50;

    /// <summary>At most this many tags in one update.</summary>
    public const int MaxCount = 20;

    /// <summary>The tags, in order; each one refused is an error under its index and left out.</summary>
    public static string[] Read(JsonElement value, FrozenDictionary<string, string>? map, string property, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            return [];
        }

        List<string>? found = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = JsonText.GetString(value);
            var index = 0;
            foreach (var range in text.AsSpan().SplitAny(',', ';'))
            {
                if (!text.AsSpan(range).Trim().IsEmpty)
                {
                    if (found is { Count: > MaxCount })
                    {
                        break; // over the limit: the rest is not looked at
                    }

                    Tag(text[range], map, $"{property}[{index++}]", ref found, errors);
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.GetArrayLength() > MaxCount * 4)
            {
                errors.Add(property, $"At most {MaxCount} tags per update; this lists {value.GetArrayLength()}.");
                return [];
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (found is { Count: > MaxCount })
                {
                    break; // over the limit: the rest is not looked at
                }

                if (item.ValueKind == JsonValueKind.String)
                {
                    Tag(JsonText.GetString(item), map, $"{property}[{i}]", ref found, errors);
                }
                else
                {
                    errors.Add($"{property}[{i}]", "Must be text.");
                }

                i++;
            }
        }
        else
        {
            errors.Add(property, "Must be a list of words.");
        }

        if (found is { Count: > MaxCount })
        {
            errors.Add(property, $"At most {MaxCount} tags per update; this lists more.");
            return [];
        }

        return found?.ToArray() ?? [];
    }

    private static void Tag(string raw, FrozenDictionary<string, string>? map, string property, ref List<string>? found, ErrorList errors)
    {
        var tag = map is not null && FieldValue.Mapped(raw, map) is { } mapped ? mapped : FieldValue.Clean(raw, property, multiline: false, MaxLength, errors);

        // The leading '#' goes, and what is left is cleaned again, until neither changes anything: markup the cleaner
        // reads only at the start of a text can become leading only once the '#' is gone ("#*x": the '*' then opens
        // emphasis; "#&#42;x" is "#*x"), and a tag normalised again must stay the same. Each round is shorter by a '#'.
        while (tag is not null && tag.StartsWith('#'))
        {
            tag = FieldValue.Clean(tag.TrimStart('#'), property, multiline: false, MaxLength, errors);
        }

        if (tag is null)
        {
            return;
        }

        if (tag.Contains(',') || tag.Contains(';'))
        {
            errors.Add(property, "A tag must not hold ',' or ';'.", Echo.Of(raw));
            return;
        }

        if (tag.Length == 0)
        {
            return;
        }

        found ??= [];
        foreach (var existing in found)
        {
            if (string.Equals(existing, tag, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        found.Add(tag);
    }
}

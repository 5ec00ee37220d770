using System.Collections.Frozen;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The collaboration's id (<c>e-arkiv-sodertorn</c>): 3-64 characters a-z, 0-9 and '-', lower-cased, or a profile's mapped word.</summary>
internal static class CollaborationField
{
    /// <summary>The id, or null with an error (it is required) under <paramref name="property"/>.</summary>
    public static string? Read(JsonElement value, FrozenDictionary<string, string>? map, string property, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            errors.Add(property, "Required: the collaboration's id, such as e-arkiv-sodertorn.");
            return null;
        }

        var raw = FieldValue.Scalar(value, property, numbers: false, errors);
        if (raw is null)
        {
            return null;
        }

        if (map is not null && FieldValue.Mapped(raw, map) is { } mapped)
        {
            return mapped;
        }

        var trimmed = raw.AsSpan().Trim();
        if (trimmed.Length is < 3 or > 64)
        {
            errors.Add(property, trimmed.IsEmpty ? "Required: the collaboration's id, such as e-arkiv-sodertorn." : "Must be 3-64 characters a-z, 0-9 and '-'.", Echo.Of(raw));
            return null;
        }

        var lower = true;
        foreach (var c in trimmed)
        {
            if (c is (>= 'A' and <= 'Z'))
            {
                lower = false;
            }
            else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                errors.Add(property, "Must be 3-64 characters a-z, 0-9 and '-'.", Echo.Of(raw));
                return null;
            }
        }

        if (lower && trimmed.Length == raw.Length)
        {
            return raw;
        }

        return lower ? trimmed.ToString() : trimmed.ToString().ToLowerInvariant();
    }
}

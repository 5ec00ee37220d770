using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The free-text fields: title and summary (and a link's title), cleaned of markup within a length.</summary>
internal static class TextField
{
    public const int MaxTitleLength = 200;
    public const int MaxSummaryLength = 4000;

    /// <summary>The cleaned text, or null: when missing or empty (an error if <paramref name="required"/>), or with an error.</summary>
    public static string? Read(JsonElement value, string property, bool multiline, int max, bool required, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            if (required)
            {
                errors.Add(property, $"Required: 1-{max} characters.");
            }

            return null;
        }

        var raw = FieldValue.Scalar(value, property, numbers: false, errors);
        if (raw is null)
        {
            return null;
        }

        var cleaned = FieldValue.Clean(raw, property, multiline, max, errors);
        if (cleaned is null)
        {
            return null;
        }

        if (cleaned.Length == 0)
        {
            if (required)
            {
                errors.Add(property, $"Required: 1-{max} characters of text (none left after removing markup).");
            }

            return null;
        }

        return cleaned;
    }
}

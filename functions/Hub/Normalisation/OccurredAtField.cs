using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>When it happened: an RFC 3339 time, a Stockholm local time or a date, as UTC, at most a day ahead of now.</summary>
internal static class OccurredAtField
{
    /// <summary>The instant in UTC, or null with an error (it is required).</summary>
    public static DateTimeOffset? Read(JsonElement value, DateTimeOffset now, ErrorList errors)
    {
        const string property = CanonicalFields.OccurredAt;
        if (FieldValue.IsMissing(value))
        {
            errors.Add(property, "Required: an RFC 3339 time such as 2026-03-19T09:00:00+01:00.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(property, "Must be text: an RFC 3339 time such as 2026-03-19T09:00:00+01:00.");
            return null;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        Span<char> chars = stackalloc char[48];
        TimeProblem problem;
        DateTimeOffset utc;
        if (raw.Length <= 48 && raw.IndexOf((byte)'\\') < 0
            && System.Text.Unicode.Utf8.ToUtf16(raw[1..^1], chars, out _, out var written) == System.Buffers.OperationStatus.Done)
        {
            problem = OccurredAtParser.TryParse(chars[..written], out utc);
        }
        else
        {
            problem = OccurredAtParser.TryParse(JsonText.GetString(value), out utc);
        }

        switch (problem)
        {
            case TimeProblem.SkippedLocalTime:
                errors.Add(property, "That local time does not exist in Europe/Stockholm: the clocks go forward over it. Give the offset or another time.", Echo.Of(JsonText.GetString(value)));
                return null;
            case TimeProblem.Unreadable:
                errors.Add(property, "Must be an RFC 3339 time (2026-03-19T09:00:00+01:00), a Stockholm local time (2026-03-19T09:00) or a date (2026-03-19).", Echo.Of(JsonText.GetString(value)));
                return null;
        }

        if (utc > now.AddDays(1))
        {
            errors.Add(property, "Must not be more than a day in the future.", Echo.Of(JsonText.GetString(value)));
            return null;
        }

        return utc;
    }
}

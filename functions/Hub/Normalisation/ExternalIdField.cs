using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The sender's own id of the update (its idempotency key): text or a number, cleaned, at most 200 characters.</summary>
internal static class ExternalIdField
{
    public const int MaxLength = 200;

    /// <summary>The cleaned id, or null when there is none (it is optional) or with an error.</summary>
    public static string? Read(JsonElement value, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            return null;
        }

        var raw = FieldValue.Scalar(value, CanonicalFields.ExternalId, numbers: true, errors);
        if (raw is null)
        {
            return null;
        }

        var cleaned = FieldValue.Clean(raw, CanonicalFields.ExternalId, multiline: false, MaxLength, errors);
        return string.IsNullOrEmpty(cleaned) ? null : cleaned;
    }
}

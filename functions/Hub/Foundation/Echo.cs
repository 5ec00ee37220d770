namespace Mellanrum.Hub.Foundation;

/// <summary>How a refused value is shown back: cleaned, cut to 40 characters, and never when it holds a personnummer.</summary>
public static class Echo
{
    public const int MaxLength = 40;

    public static string? Of(string? value)
    {
        if (value is null || PersonnummerGuard.Contains(value))
        {
            return null;
        }

        var head = value.Length > 4 * MaxLength ? value[..(4 * MaxLength)] : value;
        var cleaned = TextCleaner.Clean(head, multiline: false);
        if (cleaned.Length > MaxLength)
        {
            cleaned = cleaned[..MaxLength].TrimEnd() + "…";
        }

        return PersonnummerGuard.Contains(cleaned) ? null : cleaned;
    }
}

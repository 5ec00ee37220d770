namespace Mellanrum.Hub.Digest;

internal static class DigestLanguage
{
    public static bool IsEnglish(string? language) => string.Equals(language?.Trim(), "en", StringComparison.OrdinalIgnoreCase);
}

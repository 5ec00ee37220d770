namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// Folds a word for case- and accent-insensitive lookup: lower case, diacritics off (å→a, ö→o, é→e),
/// spaces and underscores as hyphens, runs of separators as one. Works on spans, allocates nothing.
/// </summary>
public static class Folding
{
    /// <summary>Longest word that is folded on the stack; longer input folds into a rented array.</summary>
    public const int StackLimit = 128;

    /// <summary>Folds <paramref name="value"/> into <paramref name="destination"/> (at least as long) and returns the length.</summary>
    public static int Fold(ReadOnlySpan<char> value, Span<char> destination)
    {
        var length = 0;
        var pendingSeparator = false;
        foreach (var raw in value)
        {
            if (raw is >= '\u0300' and <= '\u036F')
            {
                continue; // combining diacritic of a decomposed letter
            }

            var c = FoldChar(raw);
            if (c is ' ' or '_' or '-' or '\t' or '\n' or '\r' or '\u00A0')
            {
                pendingSeparator = length > 0;
                continue;
            }

            if (char.IsControl(c))
            {
                continue;
            }

            if (pendingSeparator)
            {
                destination[length++] = '-';
                pendingSeparator = false;
            }

            destination[length++] = c;
        }

        return length;
    }

    /// <summary>Folds to a new string (for building tables, not for the hot path).</summary>
    public static string Fold(string value)
    {
        var buffer = new char[value.Length];
        return new string(buffer, 0, Fold(value, buffer));
    }

    private static char FoldChar(char c)
    {
        if (c < 128)
        {
            return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        }

        return c switch
        {
            'Å' or 'å' or 'Ä' or 'ä' or 'À' or 'à' or 'Á' or 'á' or 'Â' or 'â' or 'Ã' or 'ã' => 'a',
            'Ö' or 'ö' or 'Ø' or 'ø' or 'Ò' or 'ò' or 'Ó' or 'ó' or 'Ô' or 'ô' or 'Õ' or 'õ' => 'o',
            'É' or 'é' or 'È' or 'è' or 'Ê' or 'ê' or 'Ë' or 'ë' => 'e',
            'Ü' or 'ü' or 'Ú' or 'ú' or 'Ù' or 'ù' or 'Û' or 'û' => 'u',
            'Í' or 'í' or 'Ì' or 'ì' or 'Î' or 'î' or 'Ï' or 'ï' => 'i',
            'Ç' or 'ç' => 'c',
            'Ñ' or 'ñ' => 'n',
            'Ý' or 'ý' or 'ÿ' => 'y',
            'Æ' or 'æ' => 'a',
            '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' => '-',
            _ => char.ToLowerInvariant(c),
        };
    }
}

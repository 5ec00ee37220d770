namespace Mellanrum.Hub.Organisations;

/// <summary>Swedish organisationsnummer: 10 digits (or 12 with the 16 prefix), Luhn check digit, digits 3-4 at least 20.</summary>
public static class Organisationsnummer
{
    /// <summary>The length of the canonical form <c>NNNNNN-NNNN</c>.</summary>
    public const int CanonicalLength = 11;

    /// <summary>Parses <c>NNNNNN-NNNN</c>, <c>NNNNNNNNNN</c> or the 12-digit forms into the canonical <c>NNNNNN-NNNN</c>.</summary>
    public static bool TryParse(string? value, out string canonical)
    {
        canonical = string.Empty;
        return value is not null && TryParse(value.AsSpan(), out canonical);
    }

    /// <summary>As <see cref="TryParse(string?, out string)"/>, on a span.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out string canonical)
    {
        Span<char> written = stackalloc char[CanonicalLength];
        canonical = TryParse(value, written) ? new string(written) : string.Empty;
        return canonical.Length > 0;
    }

    /// <summary>As <see cref="TryParse(string?, out string)"/>, writing the canonical form into <paramref name="canonical"/> (11 characters) without allocating.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, Span<char> canonical)
    {
        Span<char> digits = stackalloc char[12];
        var count = 0;
        var hyphens = 0;
        foreach (var c in value.Trim())
        {
            if (c == '-')
            {
                // One hyphen, before the last four digits.
                if (++hyphens > 1 || count is not (6 or 8))
                {
                    return false;
                }

                continue;
            }

            if (!char.IsAsciiDigit(c) || count == 12)
            {
                return false;
            }

            digits[count++] = c;
        }

        if (count == 12 && (digits[0] != '1' || digits[1] != '6'))
        {
            return false;
        }

        if (count is not (10 or 12) || (hyphens == 1 && count == 10 && value.Trim()[6] != '-') || (hyphens == 1 && count == 12 && value.Trim()[8] != '-'))
        {
            return false;
        }

        Span<char> ten = digits.Slice(count - 10, 10);

        if ((ten[2] - '0') * 10 + (ten[3] - '0') < 20 || !Luhn.IsValid(ten))
        {
            return false;
        }

        ten[..6].CopyTo(canonical);
        canonical[6] = '-';
        ten[6..].CopyTo(canonical[7..]);
        return true;
    }
}

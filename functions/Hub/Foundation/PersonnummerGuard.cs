using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Finds Swedish personal identity numbers (personnummer, and samordningsnummer with day + 60) in text:
/// <c>YYMMDD-NNNN</c>, <c>YYMMDD+NNNN</c>, <c>YYYYMMDDNNNN</c>, <c>YYYYMMDD-NNNN</c>, with a real date and a valid
/// Luhn check digit, not inside a longer run of digits. An organisationsnummer (digits 3-4 at least 20) is never
/// a date, so it never matches; nor do ordinary dates (<c>2026-03-19</c>) or case numbers (<c>KS-2026-0042</c>).
/// </summary>
public static class PersonnummerGuard
{
    public static bool Contains(ReadOnlySpan<char> text) => Scan(text);

    /// <summary>Scans UTF-8 (ASCII digits and separators are single bytes, so the same rules hold).</summary>
    public static bool ContainsUtf8(ReadOnlySpan<byte> text) => Scan(text);

    /// <summary>
    /// Every place in <paramref name="root"/> (string values, numbers, property names) holding a personnummer,
    /// as dotted paths (<c>summary</c>, <c>links[0].title</c>, <c>arende.anteckning</c>). Fast when there is none:
    /// the raw JSON is scanned once and the tree walked only on a hit or an escape sequence.
    /// </summary>
    public static List<string>? FindPaths(JsonElement root)
    {
        var raw = JsonMarshal.GetRawUtf8Value(root);
        if (!ContainsUtf8(raw) && raw.IndexOf((byte)'\\') < 0)
        {
            return null;
        }

        List<string>? found = null;
        var path = new List<string>();
        Walk(root, path, ref found);
        return found;
    }

    private static void Walk(JsonElement element, List<string> path, ref List<string>? found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (NameHolds(property))
                    {
                        (found ??= []).Add(path.Count == 0 ? "$" : string.Concat(path));
                    }

                    var name = JsonText.Name(property);
                    name = Contains(name) ? "*" : name; // a path must not carry the number either
                    path.Add(path.Count == 0 ? name : "." + name);
                    Walk(property.Value, path, ref found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Add("[" + i++ + "]");
                    Walk(item, path, ref found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.String or JsonValueKind.Number:
                var raw = JsonMarshal.GetRawUtf8Value(element);
                var holds = raw.IndexOf((byte)'\\') >= 0 && element.ValueKind == JsonValueKind.String
                    ? Contains(JsonText.GetString(element))
                    : ContainsUtf8(raw);
                if (holds)
                {
                    (found ??= []).Add(path.Count == 0 ? "$" : string.Concat(path));
                }

                break;
        }
    }

    private static bool NameHolds(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') >= 0 ? Contains(JsonText.Name(property)) : ContainsUtf8(raw);
    }

    private static bool Scan<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T> =>
        Find(text, 0, out _) >= 0;

    /// <summary>
    /// <paramref name="text"/> with the digits of every personnummer in it replaced by <c>*</c> (separators kept), so a
    /// refused payload can be kept without the number; <paramref name="masked"/> says whether there was one.
    /// </summary>
    public static string Mask(string text, out bool masked)
    {
        masked = false;
        var chars = text.ToCharArray();
        var from = 0;
        while (Find((ReadOnlySpan<char>)chars, from, out var length) is var start and >= 0)
        {
            masked = true;
            for (var k = start; k < start + length; k++)
            {
                if (char.IsAsciiDigit(chars[k]))
                {
                    chars[k] = '*';
                }
            }

            from = start + length;
        }

        return masked ? new string(chars) : text;
    }

    /// <summary>Where the first personnummer at or after <paramref name="from"/> starts (-1: none), and its length.</summary>
    private static int Find<T>(ReadOnlySpan<T> text, int from, out int length)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<char> digits = stackalloc char[12];
        length = 0;
        var i = from;
        while (i < text.Length)
        {
            if (!IsDigit(text[i]))
            {
                var next = text[i..].IndexOfAnyInRange(T.CreateTruncating('0'), T.CreateTruncating('9'));
                if (next < 0)
                {
                    return -1;
                }

                i += next;
            }

            var start = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            var run = i - start;
            if (run == 12 && IsPersonnummer(text.Slice(start, 12), century: true))
            {
                length = 12;
                return start;
            }

            if (run is 6 or 8 && i + 5 <= text.Length && IsSeparator(text[i])
                && IsDigit(text[i + 1]) && IsDigit(text[i + 2]) && IsDigit(text[i + 3]) && IsDigit(text[i + 4])
                && (i + 5 == text.Length || !IsDigit(text[i + 5])))
            {
                var n = 0;
                for (var k = start; k < i; k++)
                {
                    digits[n++] = (char)int.CreateTruncating(text[k]);
                }

                for (var k = i + 1; k < i + 5; k++)
                {
                    digits[n++] = (char)int.CreateTruncating(text[k]);
                }

                if (IsPersonnummer(digits[..n], century: run == 8))
                {
                    length = run + 5;
                    return start;
                }
            }
        }

        return -1;
    }

    private static bool IsPersonnummer<T>(ReadOnlySpan<T> digits, bool century)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<char> chars = stackalloc char[digits.Length];
        for (var k = 0; k < digits.Length; k++)
        {
            chars[k] = (char)int.CreateTruncating(digits[k]);
        }

        return IsPersonnummer((ReadOnlySpan<char>)chars, century);
    }

    private static bool IsPersonnummer(ReadOnlySpan<char> digits, bool century)
    {
        int year;
        ReadOnlySpan<char> ten;
        if (century)
        {
            year = Number(digits[..4]);
            if (year is < 1800 or > 2199)
            {
                return false;
            }

            ten = digits[2..];
        }
        else
        {
            year = -Number(digits[..2]) - 1; // unknown century: leap years by the last two digits
            ten = digits;
        }

        var month = Number(ten.Slice(2, 2));
        var day = Number(ten.Slice(4, 2));
        if (month is < 1 or > 12)
        {
            return false;
        }

        if (day > 60)
        {
            day -= 60; // samordningsnummer
        }

        var leap = year >= 0 ? DateTime.IsLeapYear(year) : (-year - 1) % 4 == 0;
        var days = month == 2 ? (leap ? 29 : 28) : DateTime.DaysInMonth(2001, month);
        return day >= 1 && day <= days && Luhn.IsValid(ten);
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var n = 0;
        foreach (var c in digits)
        {
            n = (n * 10) + (c - '0');
        }

        return n;
    }

    private static bool IsDigit<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(c) - '0' <= 9;

    private static bool IsSeparator<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(c) is '-' or '+';
}

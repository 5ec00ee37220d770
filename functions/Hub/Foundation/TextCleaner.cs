using System.Buffers;
using System.Globalization;
using System.Text;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Makes free text plain: trimmed, NFC, control characters removed (line breaks kept in multi-line text),
/// HTML tags and entities and common Markdown reduced to the text they show, spaces collapsed.
/// Cleaning is repeated until nothing changes, so cleaning clean text changes nothing (idempotent);
/// text that is already clean comes back as the same instance, without allocating.
/// </summary>
public static class TextCleaner
{
    /// <summary>Passes before the text counts as nested too deep (each pass unwraps one level of escaping).</summary>
    public const int MaxPasses = 12;

    private static readonly string[] BlockTags =
    [
        "br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "section", "article", "header", "footer", "hr", "pre", "dd", "dt", "dl",
    ];

    /// <summary>Characters that never need cleaning anywhere in a line: printable ASCII but markup, and Latin-1 letters.</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " \"$%'(),./0123456789:;?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\]^abcdefghijklmnopqrstuvwxyz{|}!=+-#>" +
        "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ–—‘’“”…€§°");

    private static readonly SearchValues<char> PlainMultiline = SearchValues.Create(
        " \"$%'(),./0123456789:;?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\]^abcdefghijklmnopqrstuvwxyz{|}!=+-#>\n" +
        "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ–—‘’“”…€§°");

    private static readonly SearchValues<char> LineStartMarkup = SearchValues.Create("#>*+-=_ ");

    /// <summary>Cleans <paramref name="value"/>; false when its markup is nested too deep to reduce.</summary>
    public static bool TryClean(string value, bool multiline, out string cleaned)
    {
        cleaned = value;
        if (IsAlreadyClean(value, multiline))
        {
            return true;
        }

        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var next = Pass(cleaned, multiline);
            if (ReferenceEquals(next, cleaned))
            {
                return true;
            }

            cleaned = next;
        }

        return false;
    }

    /// <summary>Cleans, or gives the last pass when the markup is nested too deep (callers that only echo).</summary>
    public static string Clean(string value, bool multiline)
    {
        TryClean(value, multiline, out var cleaned);
        return cleaned;
    }

    /// <summary>A vectorised look for anything a pass could change; most text has nothing and skips the passes.</summary>
    private static bool IsAlreadyClean(string value, bool multiline)
    {
        var span = value.AsSpan();
        if (span.IsEmpty)
        {
            return true;
        }

        if (span.IndexOfAnyExcept(multiline ? PlainMultiline : Plain) >= 0 || span[0] == ' ' || span[^1] is ' ' or '\n'
            || span.Contains("  ", StringComparison.Ordinal) || LineStartMarkup.Contains(span[0]))
        {
            return false;
        }

        if (!multiline)
        {
            return true;
        }

        var newline = span.IndexOf('\n');
        while (newline >= 0)
        {
            var rest = span[(newline + 1)..];
            if (newline > 0 && span[newline - 1] == ' ')
            {
                return false;
            }

            if (rest.IsEmpty || LineStartMarkup.Contains(rest[0]) || (rest[0] == '\n' && rest.Length > 1 && rest[1] == '\n'))
            {
                return false;
            }

            var next = rest.IndexOf('\n');
            newline = next < 0 ? -1 : newline + 1 + next;
        }

        return true;
    }

    private static string Pass(string input, bool multiline)
    {
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(16, input.Length + 8));
        try
        {
            var length = Reduce(input, rented);
            length = DropLoneSurrogates(rented.AsSpan(0, length));
            length = Collapse(rented.AsSpan(0, length), multiline);
            var result = rented.AsSpan(0, length);
            string output;
            if (result.SequenceEqual(input))
            {
                output = input;
            }
            else
            {
                output = new string(result);
            }

            if (NeedsNormalisation(output) && !output.IsNormalized(NormalizationForm.FormC))
            {
                output = output.Normalize(NormalizationForm.FormC);
            }

            return output;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Lone surrogates are not text (and NFC refuses them); markup copied through may still hold one.</summary>
    private static int DropLoneSurrogates(Span<char> s)
    {
        var w = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsSurrogate(c))
            {
                s[w++] = c;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                s[w++] = c;
                s[w++] = s[++i];
            }
        }

        return w;
    }

    private static bool NeedsNormalisation(string value)
    {
        foreach (var c in value)
        {
            if (c >= '\u0300')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Control characters, markup and entities; writes at most as many characters as it reads (+2 for a list item).</summary>
    private static int Reduce(ReadOnlySpan<char> s, char[] buffer)
    {
        var w = 0;
        var lineHasContent = false;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (!lineHasContent)
            {
                var consumed = LineStart(s[i..], buffer, ref w);
                if (consumed > 0)
                {
                    i += consumed;
                    lineHasContent = true;
                    continue;
                }
            }

            switch (c)
            {
                case '\n':
                    buffer[w++] = '\n';
                    lineHasContent = false;
                    i++;
                    continue;
                case '\r':
                    if (i + 1 >= s.Length || s[i + 1] != '\n')
                    {
                        buffer[w++] = '\n';
                        lineHasContent = false;
                    }

                    i++;
                    continue;
                case '\u2028' or '\u2029':
                    buffer[w++] = '\n';
                    lineHasContent = false;
                    i++;
                    continue;
                case '<':
                    {
                        var consumed = Tag(s[i..], buffer, ref w, ref lineHasContent);
                        if (consumed > 0)
                        {
                            i += consumed;
                            continue;
                        }

                        break;
                    }

                case '&':
                    {
                        var consumed = Entity(s[i..], buffer, ref w);
                        if (consumed > 0)
                        {
                            i += consumed;
                            lineHasContent = true;
                            continue;
                        }

                        break;
                    }

                case '`':
                    i++;
                    continue;
                case '*' or '_' or '~' when i + 1 < s.Length && s[i + 1] == c:
                    i += 2;
                    continue;
                case '*':
                    {
                        var left = w > 0 && !char.IsWhiteSpace(buffer[w - 1]);
                        var right = i + 1 < s.Length && !char.IsWhiteSpace(s[i + 1]);
                        if (left ^ right)
                        {
                            i++;
                            continue;
                        }

                        break;
                    }

                case '!' when i + 1 < s.Length && s[i + 1] == '[':
                    {
                        var consumed = Link(s[(i + 1)..], buffer, ref w, image: true);
                        if (consumed > 0)
                        {
                            i += consumed + 1;
                            lineHasContent = true;
                            continue;
                        }

                        break;
                    }

                case '[':
                    {
                        var consumed = Link(s[i..], buffer, ref w, image: false);
                        if (consumed > 0)
                        {
                            i += consumed;
                            lineHasContent = true;
                            continue;
                        }

                        break;
                    }

                case '\u200B' or '\uFEFF' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'):
                    i++;
                    continue;
            }

            if (char.IsSurrogate(c))
            {
                // A pair is kept; a lone surrogate is not text and goes.
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    buffer[w++] = c;
                    buffer[w++] = s[i + 1];
                    lineHasContent = true;
                    i += 2;
                    continue;
                }

                i++;
                continue;
            }

            if (char.IsControl(c))
            {
                // Tabs become spaces, every other control character goes.
                if (c == '\t')
                {
                    buffer[w++] = ' ';
                }

                i++;
                continue;
            }

            if (c != ' ' && char.IsWhiteSpace(c))
            {
                c = ' ';
            }

            buffer[w++] = c;
            if (c != ' ')
            {
                lineHasContent = true;
            }

            i++;
        }

        return w;
    }

    /// <summary>Markdown at the start of a line: headings, quotes, rules and bullets. Returns characters consumed.</summary>
    private static int LineStart(ReadOnlySpan<char> s, char[] buffer, ref int w)
    {
        var hashes = 0;
        while (hashes < s.Length && s[hashes] == '#')
        {
            hashes++;
        }

        if (hashes is >= 1 and <= 6 && hashes < s.Length && s[hashes] == ' ')
        {
            return hashes + 1;
        }

        if (s.Length >= 1 && s[0] == '>' && (s.Length == 1 || s[1] is ' ' or '>'))
        {
            return 1;
        }

        if (s.Length >= 2 && s[0] is '*' or '+' && s[1] == ' ')
        {
            buffer[w++] = '-';
            buffer[w++] = ' ';
            return 2;
        }

        if (s.Length >= 3 && s[0] is '-' or '*' or '_' or '=')
        {
            var end = s.IndexOfAny('\n', '\r');
            var line = (end < 0 ? s : s[..end]).TrimEnd();
            var marker = s[0];
            var count = 0;
            foreach (var ch in line)
            {
                if (ch == marker)
                {
                    count++;
                }
                else if (ch != ' ')
                {
                    count = -1;
                    break;
                }
            }

            if (count >= 3)
            {
                return line.Length; // a horizontal rule or setext underline: nothing to show
            }
        }

        return 0;
    }

    /// <summary>An HTML tag or comment: block tags become a line break, script and style lose their content.</summary>
    private static int Tag(ReadOnlySpan<char> s, char[] buffer, ref int w, ref bool lineHasContent)
    {
        if (s.Length < 3)
        {
            return 0;
        }

        if (s.StartsWith("<!--"))
        {
            var close = s[4..].IndexOf("-->");
            return close < 0 ? 0 : close + 7;
        }

        var next = s[1];
        if (!(char.IsAsciiLetter(next) || next is '/' or '!' or '?'))
        {
            return 0;
        }

        var end = s.IndexOf('>');
        if (end < 0)
        {
            return 0;
        }

        var body = s[1..end];
        var closing = body.Length > 0 && body[0] == '/';
        var name = closing ? body[1..] : body;
        var nameLength = 0;
        while (nameLength < name.Length && char.IsAsciiLetterOrDigit(name[nameLength]))
        {
            nameLength++;
        }

        name = name[..nameLength];
        if (!closing && (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)))
        {
            var rest = s[(end + 1)..];
            var stop = rest.IndexOf("</", StringComparison.Ordinal);
            while (stop >= 0 && !rest[(stop + 2)..].StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                var further = rest[(stop + 2)..].IndexOf("</", StringComparison.Ordinal);
                stop = further < 0 ? -1 : stop + 2 + further;
            }

            if (stop < 0)
            {
                return s.Length;
            }

            var closeEnd = rest[stop..].IndexOf('>');
            return closeEnd < 0 ? s.Length : end + 1 + stop + closeEnd + 1;
        }

        foreach (var block in BlockTags)
        {
            if (name.Equals(block, StringComparison.OrdinalIgnoreCase) && !(closing && block == "li"))
            {
                buffer[w++] = '\n';
                lineHasContent = false;
                if (!closing && block == "li" && end >= 3)
                {
                    buffer[w++] = '-';
                    buffer[w++] = ' ';
                    lineHasContent = true;
                }

                break;
            }
        }

        return end + 1;
    }

    /// <summary>An HTML character reference; returns characters consumed or 0 when it is not one.</summary>
    private static int Entity(ReadOnlySpan<char> s, char[] buffer, ref int w)
    {
        var semicolon = s[..Math.Min(s.Length, 12)].IndexOf(';');
        if (semicolon < 3)
        {
            return 0;
        }

        var name = s[1..semicolon];
        char? named = name switch
        {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "ndash" => '–',
            "mdash" => '—',
            "aring" => 'å',
            "Aring" => 'Å',
            "auml" => 'ä',
            "Auml" => 'Ä',
            "ouml" => 'ö',
            "Ouml" => 'Ö',
            "eacute" => 'é',
            _ => null,
        };
        if (named is { } value)
        {
            buffer[w++] = value;
            return semicolon + 1;
        }

        if (name[0] != '#')
        {
            return 0;
        }

        var hex = name.Length > 1 && name[1] is 'x' or 'X';
        var digits = name[(hex ? 2 : 1)..];
        if (!int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || code is <= 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
        {
            return 0;
        }

        if (code < 0x10000)
        {
            buffer[w++] = (char)code;
        }
        else
        {
            // Two UTF-16 units; the entity is at least 8 characters, so the output still shrinks.
            var rune = new Rune(code);
            w += rune.EncodeToUtf16(buffer.AsSpan(w));
        }

        return semicolon + 1;
    }

    /// <summary><c>[text](url)</c> becomes <c>text (url)</c>; <c>![alt](url)</c> becomes <c>alt</c>. Returns characters consumed.</summary>
    private static int Link(ReadOnlySpan<char> s, char[] buffer, ref int w, bool image)
    {
        var close = s.IndexOfAny(']', '\n');
        if (close < 1 || s[close] != ']' || close + 1 >= s.Length || s[close + 1] != '(')
        {
            return 0;
        }

        var urlEnd = s[(close + 2)..].IndexOfAny(')', '\n', ' ');
        if (urlEnd < 0 || s[close + 2 + urlEnd] != ')')
        {
            return 0;
        }

        var text = s[1..close];
        var url = s.Slice(close + 2, urlEnd);
        text.CopyTo(buffer.AsSpan(w));
        w += text.Length;
        if (!image && url.Length > 0 && !url.SequenceEqual(text))
        {
            buffer[w++] = ' ';
            buffer[w++] = '(';
            url.CopyTo(buffer.AsSpan(w));
            w += url.Length;
            buffer[w++] = ')';
        }

        return close + 2 + urlEnd + 1;
    }

    /// <summary>Spaces collapsed, lines trimmed, at most one blank line in a row, the whole trimmed; in place.</summary>
    private static int Collapse(Span<char> s, bool multiline)
    {
        var w = 0;
        foreach (var raw in s)
        {
            var c = raw == '\n' && !multiline ? ' ' : raw;
            if (c == ' ')
            {
                if (w == 0 || s[w - 1] is ' ' or '\n')
                {
                    continue;
                }

                s[w++] = ' ';
            }
            else if (c == '\n')
            {
                if (w > 0 && s[w - 1] == ' ')
                {
                    w--;
                }

                if (w == 0 || (w >= 2 && s[w - 1] == '\n' && s[w - 2] == '\n'))
                {
                    continue;
                }

                s[w++] = '\n';
            }
            else
            {
                s[w++] = c;
            }
        }

        while (w > 0 && s[w - 1] is ' ' or '\n')
        {
            w--;
        }

        return w;
    }
}

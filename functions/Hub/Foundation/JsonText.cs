using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Reads JSON strings without throwing: <see cref="JsonElement.GetString"/> refuses escaped lone surrogates
/// (<c>"\ud800"</c>), which are valid JSON; here they come back as they are, for the text cleaner to drop.
/// </summary>
internal static class JsonText
{
    public static string GetString(JsonElement element)
    {
        // JsonDocument checks UTF-8 only when a string is read: bad bytes become U+FFFD here instead of an exception.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return Unescape(raw[1..^1]);
        }
    }

    /// <summary><see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, tolerating broken escapes in other names.</summary>
    public static bool TryGetProperty(JsonElement element, ReadOnlySpan<byte> utf8Name, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(utf8Name, out value);
        }
        catch (InvalidOperationException)
        {
            return Scan(element, Encoding.UTF8.GetString(utf8Name), out value);
        }
    }

    /// <summary>As <see cref="TryGetProperty(JsonElement, ReadOnlySpan{byte}, out JsonElement)"/>, by a string name.</summary>
    public static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            return Scan(element, name, out value);
        }
    }

    public static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return Unescape(JsonMarshal.GetRawUtf8PropertyName(property));
        }
    }

    private static bool Scan(JsonElement element, string name, out JsonElement value)
    {
        // Same answer as TryGetProperty: the last property of that name.
        var found = false;
        value = default;
        foreach (var property in element.EnumerateObject())
        {
            if (Name(property) == name)
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    private static string Unescape(ReadOnlySpan<byte> utf8)
    {
        var builder = new StringBuilder(utf8.Length);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != '\\')
            {
                continue;
            }

            builder.Append(Encoding.UTF8.GetString(utf8[start..i]));
            var c = i + 1 < utf8.Length ? utf8[i + 1] : (byte)'\\';
            switch (c)
            {
                case (byte)'u' when i + 5 < utf8.Length
                    && int.TryParse(Encoding.ASCII.GetString(utf8.Slice(i + 2, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    i += 5;
                    break;
                case (byte)'n': builder.Append('\n'); i++; break;
                case (byte)'r': builder.Append('\r'); i++; break;
                case (byte)'t': builder.Append('\t'); i++; break;
                case (byte)'b': builder.Append('\b'); i++; break;
                case (byte)'f': builder.Append('\f'); i++; break;
                default: builder.Append((char)c); i++; break;
            }

            start = i + 1;
        }

        if (start < utf8.Length)
        {
            builder.Append(Encoding.UTF8.GetString(utf8[start..]));
        }

        return builder.ToString();
    }
}

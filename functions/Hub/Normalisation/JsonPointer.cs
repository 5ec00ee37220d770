using System.Text;
using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>An RFC 6901 JSON Pointer (<c>/arende/id</c>, <c>/a~1b/0</c>), parsed once and evaluated without allocating.</summary>
public sealed class JsonPointer
{
    private readonly string[] _tokens;
    private readonly int[] _indexes;

    private JsonPointer(string text, string[] tokens)
    {
        Text = text;
        _tokens = tokens;
        _indexes = tokens.Select(ArrayIndex).ToArray();
        DottedPath = Dotted(tokens, _indexes);
    }

    public string Text { get; }

    /// <summary>The location as the hub names paths in errors (<c>arende.rubrik</c>, <c>kommuner[0]</c>).</summary>
    public string DottedPath { get; }

    /// <summary>Parses a pointer; the empty string is the whole document. False with a reason when malformed.</summary>
    public static bool TryParse(string? text, out JsonPointer pointer, out string reason)
    {
        pointer = null!;
        reason = string.Empty;
        if (text is null)
        {
            reason = "Must be a JSON Pointer (RFC 6901), such as /arende/id.";
            return false;
        }

        if (text.Length == 0)
        {
            pointer = new JsonPointer(text, []);
            return true;
        }

        if (text[0] != '/')
        {
            reason = "A JSON Pointer (RFC 6901) starts with '/', such as /arende/id.";
            return false;
        }

        var tokens = new List<string>();
        var token = new StringBuilder();
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '/')
            {
                tokens.Add(token.ToString());
                token.Clear();
                continue;
            }

            if (text[i] == '~')
            {
                if (i + 1 < text.Length && text[i + 1] is '0' or '1')
                {
                    token.Append(text[i + 1] == '0' ? '~' : '/');
                    i++;
                    continue;
                }

                reason = "In a JSON Pointer '~' must be followed by 0 (for ~) or 1 (for /).";
                return false;
            }

            token.Append(text[i]);
        }

        pointer = new JsonPointer(text, tokens.ToArray());
        return true;
    }

    /// <summary>The value the pointer refers to, if there is one.</summary>
    public bool TryEvaluate(JsonElement root, out JsonElement value)
    {
        value = root;
        for (var i = 0; i < _tokens.Length; i++)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!JsonText.TryGetProperty(value, _tokens[i], out value))
                    {
                        return false;
                    }

                    break;
                case JsonValueKind.Array:
                    var index = _indexes[i];
                    if (index < 0 || index >= value.GetArrayLength())
                    {
                        return false;
                    }

                    value = value[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static int ArrayIndex(string token)
    {
        if (token.Length is 0 or > 9 || (token.Length > 1 && token[0] == '0'))
        {
            return -1;
        }

        var n = 0;
        foreach (var c in token)
        {
            if (!char.IsAsciiDigit(c))
            {
                return -1;
            }

            n = (n * 10) + (c - '0');
        }

        return n;
    }

    private static string Dotted(string[] tokens, int[] indexes)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (indexes[i] >= 0)
            {
                builder.Append('[').Append(indexes[i]).Append(']');
            }
            else
            {
                builder.Append(builder.Length == 0 ? string.Empty : ".").Append(tokens[i]);
            }
        }

        return builder.ToString();
    }
}

using System.Text.Json;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>The update's links: a URL or a list of URLs and <c>{"title", "url"}</c>, https only, titles cleaned.</summary>
internal static class LinksField
{
    public const int MaxTitleLength = 200;
    public const int MaxUrlLength = 2000;

    /// <summary>At most this many links in one update.</summary>
    public const int MaxCount = 20;

    /// <summary>The links, in order; each one refused is an error under its index and left out.</summary>
    public static UpdateLink[] Read(JsonElement value, string property, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var single = Url(JsonText.GetString(value), $"{property}[0].url", errors);
            return single is null ? [] : [new UpdateLink(null, single)];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(property, "Must be a list of links, each {\"title\", \"url\"}.");
            return [];
        }

        var count = value.GetArrayLength();
        if (count == 0)
        {
            return [];
        }

        if (count > MaxCount)
        {
            errors.Add(property, $"At most {MaxCount} links per update; this lists {count}.");
            return [];
        }

        var result = new List<UpdateLink>(count);
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string? url = null;
            string? title = null;
            if (item.ValueKind == JsonValueKind.String)
            {
                url = Url(JsonText.GetString(item), $"{property}[{i}].url", errors);
            }
            else if (item.ValueKind == JsonValueKind.Object)
            {
                if (JsonText.TryGetProperty(item, "url"u8, out var u) && u.ValueKind == JsonValueKind.String)
                {
                    url = Url(JsonText.GetString(u), $"{property}[{i}].url", errors);
                }
                else
                {
                    errors.Add($"{property}[{i}].url", "Required: an https URL.");
                }

                if (JsonText.TryGetProperty(item, "title"u8, out var t) && !FieldValue.IsMissing(t))
                {
                    title = TextField.Read(t, $"{property}[{i}].title", multiline: false, MaxTitleLength, required: false, errors);
                }
            }
            else
            {
                errors.Add($"{property}[{i}]", "Must be a link {\"title\", \"url\"} or a URL.");
            }

            if (url is not null)
            {
                result.Add(new UpdateLink(title, url));
            }

            i++;
        }

        return result.ToArray();
    }

    private static string? Url(string raw, string property, ErrorList errors)
    {
        var trimmed = raw.AsSpan().Trim();
        if (trimmed.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(property, "javascript: and data: links are refused; links must be https URLs.");
            return null;
        }

        if (trimmed.Length > MaxUrlLength)
        {
            errors.Add(property, $"Must be an https URL of at most {MaxUrlLength} characters.", Echo.Of(raw));
            return null;
        }

        if (PersonnummerGuard.Contains(trimmed))
        {
            return null; // already reported by the guard, never echoed
        }

        if (IsPlainHttpsUrl(trimmed))
        {
            return trimmed.Length == raw.Length ? raw : trimmed.ToString();
        }

        if (StableAbsoluteUri(trimmed.ToString()) is { Length: <= MaxUrlLength } absolute)
        {
            if (PersonnummerGuard.Contains(absolute))
            {
                // Escapes undone (%2D is '-') can spell out what the text did not.
                errors.Add(property, FieldValue.PersonnummerReason);
                return null;
            }

            return absolute;
        }

        errors.Add(property, "Must be an absolute https URL.", Echo.Of(raw));
        return null;
    }

    /// <summary>
    /// The URL as <see cref="Uri.AbsoluteUri"/> writes it, read again until that changes nothing; null when it is no https
    /// URL. Once is not always enough: while a URL holds an invalid escape (<c>%b</c>) Uri leaves the valid ones as they are
    /// (<c>%6a</c>) and writes the invalid one as <c>%25b</c>; read again, every escape is valid and <c>%6a</c> becomes
    /// <c>j</c>. A link normalised again must stay the same.
    /// </summary>
    private static string? StableAbsoluteUri(string url)
    {
        for (var round = 0; round < 4; round++)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0
                || !string.IsNullOrEmpty(uri.UserInfo))
            {
                return null;
            }

            var absolute = uri.AbsoluteUri;
            if (absolute == url)
            {
                return absolute;
            }

            url = absolute;
        }

        return null;
    }

    /// <summary>An https URL already in the form <see cref="Uri.AbsoluteUri"/> gives: lower-case scheme and host, printable ASCII.</summary>
    private static bool IsPlainHttpsUrl(ReadOnlySpan<char> url)
    {
        if (!url.StartsWith("https://", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = url[8..];
        var hostEnd = rest.IndexOfAny('/', '?', '#');
        if (hostEnd < 0)
        {
            return false; // AbsoluteUri adds the trailing slash: take the slow path
        }

        var host = rest[..hostEnd];
        if (host.IsEmpty || host[0] is '.' or '-' || host[^1] is '.' or '-')
        {
            return false;
        }

        foreach (var c in host)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
            {
                return false;
            }
        }

        if (host.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var path = rest[hostEnd..];
        foreach (var c in path)
        {
            if (c is <= ' ' or >= '\u007F' or '"' or '<' or '>' or '\\' or '^' or '`' or '{' or '|' or '}' or '%')
            {
                return false;
            }
        }

        return path[0] == '/' && !path.Contains("/.", StringComparison.Ordinal);
    }
}

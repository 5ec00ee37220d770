using System.Globalization;
using System.Text;

namespace Mellanrum.Hub.Register;

/// <summary>The register as open data (<c>GET /api/v1/register</c>): every public collaboration, newest activity first.</summary>
/// <param name="Modified">The latest activity of any collaboration in it (absent when it is empty).</param>
public sealed record RegisterDocument(string Title, string Description, string Publisher, string License, DateTimeOffset? Modified, int Count, IReadOnlyList<RegisterItem> Items);

/// <summary>One collaboration of the register, with its members by name and its page's address.</summary>
public sealed record RegisterItem(
    string Id,
    string Name,
    string? Description,
    string? Form,
    string? Area,
    string? Status,
    string Owner,
    IReadOnlyList<RegisterMember> Members,
    IReadOnlyList<string> Counties,
    IReadOnlyList<string>? Tags,
    DateTimeOffset FirstActivity,
    DateTimeOffset LastActivity,
    int UpdateCount,
    string Url);

/// <summary>A member: its id (kommunkod or organisationsnummer), name, county, and its organisationsnummer and dataportal.se URI when known.</summary>
public sealed record RegisterMember(string Organisation, string Name, string? County, string? Organisationsnummer, string? Uri);

/// <summary>
/// The register written as open data, from one snapshot: a JSON document (<see cref="RegisterDocument"/>) and CSV
/// (RFC 4180: UTF-8, a header row, CRLF, fields quoted when they need it; one row per collaboration, members joined by
/// <c>;</c>). A CSV field that a spreadsheet would read as a formula (one starting with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, a tab or a carriage return) starts with an apostrophe, as OWASP advises for CSV files.
/// </summary>
public static class RegisterExport
{
    public const string Title = "Samverkansregistret";

    /// <summary>The CSV's media type (RFC 4180); the answer adds <c>charset=utf-8</c>.</summary>
    public const string CsvMediaType = "text/csv";

    public const string Description = "Samverkan mellan Sveriges kommuner: vem som samverkar med vem och om vad, som medlemmarna själva rapporterat till Mellanrum.";

    /// <summary>The licence of the data: CC0 1.0, as DIGG recommends for open data.</summary>
    public const string License = "http://creativecommons.org/publicdomain/zero/1.0/";

    public static readonly IReadOnlyList<string> CsvColumns =
        ["id", "name", "description", "form", "area", "status", "owner", "members", "memberNames", "counties", "tags", "firstActivity", "lastActivity", "updateCount", "url"];

    /// <summary>A collaboration's page at <paramref name="baseUrl"/>.</summary>
    public static string PageUrl(string baseUrl, string id) => $"{baseUrl}/samverkan/{Uri.EscapeDataString(id)}";

    public static RegisterDocument Json(RegisterSnapshot snapshot, string baseUrl, string publisher) =>
        new(Title, Description, publisher, License, snapshot.Modified, snapshot.Entries.Count, [.. snapshot.Entries.Select(e => Item(e, baseUrl))]);

    public static RegisterItem Item(RegisterEntry entry, string baseUrl)
    {
        var c = entry.Collaboration;
        return new RegisterItem(
            c.Id,
            c.Name,
            c.Description,
            c.Form,
            c.Area,
            c.Status,
            c.Owner,
            [.. entry.Members.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => new RegisterMember(m.Id, m.Name, m.County, m.Organisationsnummer, m.Uri))],
            entry.Counties,
            c.Tags,
            c.FirstActivity,
            c.LastActivity,
            c.UpdateCount,
            PageUrl(baseUrl, c.Id));
    }

    public static string Csv(RegisterSnapshot snapshot, string baseUrl)
    {
        var csv = new StringBuilder();
        Row(csv, CsvColumns);
        foreach (var entry in snapshot.Entries)
        {
            var c = entry.Collaboration;
            var members = entry.Members.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
            Row(csv, [
                c.Id,
                c.Name,
                c.Description,
                c.Form,
                c.Area,
                c.Status,
                c.Owner,
                string.Join(';', members.Select(m => m.Id)),
                string.Join(';', members.Select(m => m.Name)),
                string.Join(';', entry.Counties),
                string.Join(';', c.Tags ?? []),
                Time(c.FirstActivity),
                Time(c.LastActivity),
                c.UpdateCount.ToString(CultureInfo.InvariantCulture),
                PageUrl(baseUrl, c.Id),
            ]);
        }

        return csv.ToString();
    }

    private static string Time(DateTimeOffset value) => UtcDateTimeOffsetConverter.Format(value);

    private static void Row(StringBuilder csv, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            Field(csv, fields[i] ?? string.Empty);
        }

        csv.Append("\r\n");
    }

    private static void Field(StringBuilder csv, string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            csv.Append(value);
            return;
        }

        csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}

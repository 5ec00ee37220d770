using System.Collections.Frozen;
using System.Reflection;
using System.Text;

namespace Mellanrum.Hub.Organisations;

public sealed record County(string Code, string Name);

/// <summary>A municipality: its kommunkod, name, county code and organisationsnummer (canonical <c>NNNNNN-NNNN</c>).</summary>
public sealed record Municipality(string Code, string Name, string CountyCode, string Organisationsnummer);

/// <summary>
/// The 290 municipalities (SCB codes, with their organisationsnummer) and 21 counties, embedded as data. A participant
/// resolves from a kommunkod, a municipality's name (any case, composed or decomposed Unicode, hyphen or space alike, with
/// or without <c>kommun</c>/<c>stad</c> and the genitive s before it: <c>Stockholms stad</c>, <c>Marks kommun</c>) or an
/// organisationsnummer. A municipality is always its kommunkod, however it is named (<c>212000-0167</c> is Nacka, 0182);
/// any other valid organisationsnummer is kept as that number. Matching is exact: an unknown name resolves to nothing,
/// never to the nearest name.
/// </summary>
public sealed class OrganisationRegistry
{
    /// <summary>Official names that are not "name + kommun": Falu kommun is Falun, Region Gotland is the municipality Gotland.</summary>
    private static readonly (string Alias, string Name)[] Aliases = [("Falu", "Falun"), ("Region Gotland", "Gotland")];

    private readonly FrozenDictionary<string, Municipality> _byCode;
    private readonly FrozenDictionary<string, Municipality> _byName;
    private readonly FrozenDictionary<string, Municipality>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;
    private readonly FrozenDictionary<string, Municipality>.AlternateLookup<ReadOnlySpan<char>> _byCodeSpan;
    private readonly FrozenDictionary<string, Municipality>.AlternateLookup<ReadOnlySpan<char>> _byNumberSpan;
    private readonly FrozenDictionary<string, County> _counties;

    public OrganisationRegistry()
    {
        var numbers = ReadCsv("municipality-orgnr.csv").ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        var municipalities = ReadCsv("municipalities.csv").Select(r => new Municipality(r[0], r[1], r[2], NumberOf(r[0], numbers))).ToArray();
        if (numbers.Count != municipalities.Length)
        {
            throw new InvalidOperationException("Embedded data municipality-orgnr.csv names a kommunkod that municipalities.csv does not.");
        }

        _counties = ReadCsv("counties.csv").Select(r => new County(r[0], r[1])).ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        _byCode = municipalities.ToFrozenDictionary(m => m.Code, StringComparer.Ordinal);
        var byName = municipalities.ToDictionary(m => NameKey(m.Name), StringComparer.Ordinal);
        foreach (var (alias, name) in Aliases)
        {
            byName.Add(NameKey(alias), byName[NameKey(name)]);
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        _byCodeSpan = _byCode.GetAlternateLookup<ReadOnlySpan<char>>();
        _byNumberSpan = municipalities.ToFrozenDictionary(m => m.Organisationsnummer, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static OrganisationRegistry Shared { get; } = new();

    public IReadOnlyCollection<Municipality> Municipalities => _byCode.Values;

    public IReadOnlyCollection<County> Counties => _counties.Values;

    public Municipality? FindMunicipality(string code) => _byCode.GetValueOrDefault(code);

    public County? FindCounty(string code) => _counties.GetValueOrDefault(code);

    /// <summary>The county code of an organisation that is a municipality, else null.</summary>
    public string? CountyOf(string organisation) => _byCode.GetValueOrDefault(organisation)?.CountyCode;

    /// <summary>
    /// Resolves a kommunkod, a municipality's name or an organisationsnummer to the canonical organisation id: a
    /// municipality's kommunkod (also from its organisationsnummer), else the organisationsnummer as <c>NNNNNN-NNNN</c>.
    /// </summary>
    public bool TryResolve(string? value, out string organisation)
    {
        organisation = string.Empty;
        return value is not null && TryResolve(value.AsSpan(), out organisation);
    }

    /// <summary>As <see cref="TryResolve(string?, out string)"/>; allocates only for an organisationsnummer that is no municipality's, or decomposed Unicode.</summary>
    public bool TryResolve(ReadOnlySpan<char> value, out string organisation)
    {
        organisation = string.Empty;
        value = value.Trim();
        if (value.IsEmpty || value.Length > 100)
        {
            return false;
        }

        if (_byCodeSpan.TryGetValue(value, out var byCode))
        {
            organisation = byCode.Code;
            return true;
        }

        if (char.IsAsciiDigit(value[0]))
        {
            Span<char> number = stackalloc char[Organisationsnummer.CanonicalLength];
            if (!Organisationsnummer.TryParse(value, number))
            {
                return false;
            }

            // A municipality given by its organisationsnummer is that municipality: one member, one id.
            organisation = _byNumberSpan.TryGetValue(number, out var byNumber) ? byNumber.Code : new string(number);
            return true;
        }

        Span<char> key = stackalloc char[value.Length];
        var length = NameKey(value, key);
        if (length < 0)
        {
            // Decomposed (or otherwise non-NFC) text: compose it, then key it. Broken UTF-16 is no name.
            if (value.ContainsAnyInRange('\uD800', '\uDFFF'))
            {
                return false;
            }

            var composed = value.ToString().Normalize(NormalizationForm.FormC);
            key = composed.Length <= value.Length ? key : new char[composed.Length];
            length = NameKey(composed, key);
            if (length < 0)
            {
                return false;
            }
        }

        if (TryName(key[..length], out var municipality))
        {
            organisation = municipality.Code;
            return true;
        }

        return false;
    }

    /// <summary>"Stockholms stad", "NACKA KOMMUN", "Nacka" all key alike; the Unicode form does not matter.</summary>
    internal static string NameKey(string name)
    {
        var composed = name.Normalize(NormalizationForm.FormC);
        var buffer = new char[composed.Length];
        return new string(buffer, 0, NameKey(composed, buffer));
    }

    private bool TryName(ReadOnlySpan<char> key, out Municipality municipality)
    {
        if (_byNameSpan.TryGetValue(key, out municipality!))
        {
            return true;
        }

        foreach (var suffix in (ReadOnlySpan<string>)[" kommun", " stad"])
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = key[..^suffix.Length];
                if (_byNameSpan.TryGetValue(stem, out municipality!))
                {
                    return true;
                }

                // The genitive s belongs to the suffix: "Stockholms stad", "Marks kommun". No municipality's name
                // is another's plus an s (a test checks), so this never picks between two.
                return stem.Length > 1 && stem[^1] == 's' && _byNameSpan.TryGetValue(stem[..^1], out municipality!);
            }
        }

        return false;
    }

    /// <summary>Lower case, hyphens as spaces, single spaces; -1 when the text is not NFC.</summary>
    private static int NameKey(ReadOnlySpan<char> name, Span<char> destination)
    {
        var length = 0;
        var space = false;
        foreach (var raw in name)
        {
            if (raw is >= '\u0300' and <= '\u036F')
            {
                return -1; // a combining mark: the text is decomposed
            }

            var c = char.ToLowerInvariant(raw);
            if (c is ' ' or '-' or '\u00A0' or '\t' or '\u2010' or '\u2011' or '\u2013')
            {
                space = length > 0;
                continue;
            }

            if (space)
            {
                destination[length++] = ' ';
                space = false;
            }

            destination[length++] = c;
        }

        return length;
    }

    /// <summary>The municipality's organisationsnummer from the embedded data, canonical; the data is checked, not trusted.</summary>
    private static string NumberOf(string code, Dictionary<string, string> numbers) =>
        numbers.TryGetValue(code, out var digits) && digits.Length == 10 && digits.StartsWith("212000", StringComparison.Ordinal)
            && Organisationsnummer.TryParse(digits, out var canonical)
            ? canonical
            : throw new InvalidOperationException($"Embedded data municipality-orgnr.csv has no valid organisationsnummer for kommunkod {code}.");

    private static IEnumerable<string[]> ReadCsv(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mellanrum.Hub.Organisations." + name)
            ?? throw new InvalidOperationException($"Embedded data {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = true;
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (header)
            {
                header = false;
                continue;
            }

            rows.Add(line.Split(','));
        }

        return rows;
    }
}

using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Mellanrum.Hub.Organisations;

public sealed record County(string Code, string Name);

public sealed record Municipality(string Code, string Name, string CountyCode);

/// <summary>The 290 municipalities and 21 counties (SCB codes), embedded as data; exact matching only.</summary>
public sealed class OrganisationRegistry
{
    private readonly FrozenDictionary<string, Municipality> _byCode;
    private readonly FrozenDictionary<string, Municipality> _byName;
    private readonly FrozenDictionary<string, County> _counties;

    public OrganisationRegistry()
    {
        var municipalities = ReadCsv("municipalities.csv").Select(r => new Municipality(r[0], r[1], r[2])).ToArray();
        _counties = ReadCsv("counties.csv").Select(r => new County(r[0], r[1])).ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        _byCode = municipalities.ToFrozenDictionary(m => m.Code, StringComparer.Ordinal);
        _byName = municipalities.ToFrozenDictionary(m => NameKey(m.Name), StringComparer.Ordinal);
    }

    public static OrganisationRegistry Shared { get; } = new();

    public IReadOnlyCollection<Municipality> Municipalities => _byCode.Values;

    public IReadOnlyCollection<County> Counties => _counties.Values;

    public Municipality? FindMunicipality(string code) => _byCode.GetValueOrDefault(code);

    public County? FindCounty(string code) => _counties.GetValueOrDefault(code);

    /// <summary>The county code of an organisation that is a municipality, else null.</summary>
    public string? CountyOf(string organisation) => _byCode.GetValueOrDefault(organisation)?.CountyCode;

    /// <summary>Resolves a kommunkod, a municipality's name or an organisationsnummer to the canonical organisation id.</summary>
    public bool TryResolve(string? value, out string organisation)
    {
        organisation = string.Empty;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var trimmed = value.Trim().Normalize(NormalizationForm.FormC);
        if (_byCode.ContainsKey(trimmed))
        {
            organisation = trimmed;
            return true;
        }

        if (Organisationsnummer.TryParse(trimmed, out var orgnr))
        {
            organisation = orgnr;
            return true;
        }

        if (_byName.TryGetValue(NameKey(trimmed), out var byName))
        {
            organisation = byName.Code;
            return true;
        }

        return false;
    }

    /// <summary>"Stockholms stad", "NACKA KOMMUN", "Nacka" all key alike; the Unicode form does not matter.</summary>
    internal static string NameKey(string name)
    {
        var key = name.Normalize(NormalizationForm.FormC).Trim().ToLower(CultureInfo.GetCultureInfo("sv-SE"));
        key = string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var suffix in new[] { " kommun", " stad" })
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                key = key[..^suffix.Length];
                // "Stockholms stad", "Göteborgs stad": the genitive s belongs to the suffix.
                if (suffix == " stad" && key.EndsWith('s'))
                {
                    key = key[..^1];
                }

                break;
            }
        }

        return key;
    }

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

using System.Text;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Organisations;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Organisations;

/// <summary>The municipalities' organisationsnummer (embedded as municipality-orgnr.csv) and what the hub makes of them.</summary>
public sealed class MunicipalityOrganisationsnummerTests
{
    private static readonly OrganisationRegistry Registry = OrganisationRegistry.Shared;

    /// <summary>The embedded rows as written, read here on their own rather than through the registry.</summary>
    private static readonly (string Code, string Digits)[] Rows = ReadRows();

    [Fact]
    public void Data_Has290Rows_OneForEveryMunicipality_EachA212000NumberWithAValidCheckDigit_AllDistinct()
    {
        Assert.Equal(290, Rows.Length);
        Assert.Equal(Registry.Municipalities.Select(m => m.Code).Order(StringComparer.Ordinal), Rows.Select(r => r.Code).Order(StringComparer.Ordinal));
        Assert.All(Rows, r =>
        {
            Assert.Matches("^212000[0-9]{4}$", r.Digits);
            Assert.True(Luhn.IsValid(r.Digits), r.Digits);
        });
        Assert.Equal(290, Rows.Select(r => r.Digits).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("0180", "Stockholm", "212000-0142")]
    [InlineData("0182", "Nacka", "212000-0167")]
    [InlineData("0136", "Haninge", "212000-0084")]
    [InlineData("0114", "Upplands Väsby", "212000-0019")]
    [InlineData("1480", "Göteborg", "212000-1355")]
    [InlineData("1280", "Malmö", "212000-1124")]
    [InlineData("0980", "Gotland", "212000-0803")]
    public void Municipality_KnownOnes_HaveTheirOrganisationsnummer(string code, string name, string number)
    {
        var municipality = Registry.FindMunicipality(code)!;
        Assert.Equal(name, municipality.Name);
        Assert.Equal(number, municipality.Organisationsnummer);
    }

    [Fact]
    public void TryResolve_EveryRowInEveryForm_GivesItsKommunkod()
    {
        foreach (var (code, digits) in Rows)
        {
            var hyphened = $"{digits[..6]}-{digits[6..]}";
            foreach (var form in new[] { digits, hyphened, "16" + digits, "16" + hyphened, $" {hyphened} " })
            {
                Assert.True(Registry.TryResolve(form, out var resolved), form);
                Assert.Equal(code, resolved);
            }
        }
    }

    [Fact]
    public void Participants_AMunicipalityByCodeNameAndOrganisationsnummer_IsOneParticipant()
    {
        var result = Normalise("""
            {
              "collaboration": "e-arkiv-sodertorn", "kind": "decision", "title": "Beslut", "occurredAt": "2026-03-19T09:00:00+01:00",
              "participants": ["0136", "212000-0084", "2120000084", "162120000084", "Haninge kommun", "556016-0680", "5560160680"]
            }
            """);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(["0136", "556016-0680"], result.Update!.Participants);
    }

    [Fact]
    public void Participants_TheSendersOwnOrganisationsnummer_IsTheSender()
    {
        var result = Normalise("""
            {
              "collaboration": "e-arkiv-sodertorn", "kind": "decision", "title": "Beslut", "occurredAt": "2026-03-19T09:00:00+01:00",
              "participants": "212000-0167; 0127"
            }
            """);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(["0127"], result.Update!.Participants);
    }

    private static (string Code, string Digits)[] ReadRows()
    {
        using var stream = typeof(OrganisationRegistry).Assembly.GetManifestResourceStream("Mellanrum.Hub.Organisations.municipality-orgnr.csv")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var rows = new List<(string, string)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#') || line == "code,orgnr")
            {
                continue;
            }

            var cells = line.Split(',');
            Assert.Equal(2, cells.Length);
            rows.Add((cells[0], cells[1]));
        }

        return [.. rows];
    }
}

using System.Text;
using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Tests.Organisations;

public sealed class OrganisationRegistryTests
{
    private static readonly OrganisationRegistry Registry = OrganisationRegistry.Shared;

    [Fact]
    public void Registry_EmbeddedData_Has290MunicipalitiesAnd21Counties()
    {
        Assert.Equal(290, Registry.Municipalities.Count);
        Assert.Equal(21, Registry.Counties.Count);
    }

    [Theory]
    [InlineData("0182", "0182")]
    [InlineData(" 0182 ", "0182")]
    [InlineData("Nacka", "0182")]
    [InlineData("nacka kommun", "0182")]
    [InlineData("NACKA KOMMUN", "0182")]
    [InlineData("Stockholms stad", "0180")]
    [InlineData("Stockholm", "0180")]
    [InlineData("Göteborgs Stad", "1480")]
    [InlineData("Malmö stad", "1280")]
    [InlineData("Borås Stad", "1490")]
    [InlineData("Västerås stad", "1980")]
    [InlineData("Hofors kommun", "2104")]
    [InlineData("Marks kommun", "1463")]
    [InlineData("Upplands Väsby", "0114")]
    [InlineData("Upplands-Väsby", "0114")]
    [InlineData("Upplands-Bro kommun", "0139")]
    [InlineData("Malung-Sälen", "2023")]
    [InlineData("Malung-Sälens kommun", "2023")]
    [InlineData("Falu kommun", "2080")]
    [InlineData("Region Gotland", "0980")]
    [InlineData("Va\u0308rmdo\u0308", "0120")]
    [InlineData("556016-0680", "556016-0680")]
    [InlineData("5560160680", "556016-0680")]
    [InlineData("165560160680", "556016-0680")]
    [InlineData("16556016-0680", "556016-0680")]
    [InlineData("212000-0167", "0182")]
    [InlineData("2120000167", "0182")]
    [InlineData("162120000167", "0182")]
    [InlineData("16212000-0167", "0182")]
    [InlineData(" 212000-0167 ", "0182")]
    [InlineData("232100-0016", "232100-0016")]
    [InlineData("2220000315", "222000-0315")]
    public void TryResolve_KnownForms_GiveTheOrganisation(string value, string expected)
    {
        Assert.True(Registry.TryResolve(value, out var organisation));
        Assert.Equal(expected, organisation);
    }

    [Theory]
    [InlineData("Nackka")]
    [InlineData("Nack")]
    [InlineData("Stockholmsstad")]
    [InlineData("Stockholms")]
    [InlineData("Goteborg")]
    [InlineData("9999")]
    [InlineData("556016-0681")]
    [InlineData("551216-0680")]
    [InlineData("265560160680")]
    [InlineData("55601-60680")]
    [InlineData("212000-0168")]
    [InlineData("21200-00167")]
    [InlineData("")]
    [InlineData(null)]
    public void TryResolve_UnknownOrInvalid_ResolvesToNothing(string? value)
    {
        Assert.False(Registry.TryResolve(value, out _));
    }

    [Fact]
    public void Names_NoMunicipalityIsAnothersNamePlusS_SoTheGenitiveIsNeverAmbiguous()
    {
        var names = Registry.Municipalities.Select(m => m.Name.ToLowerInvariant().Replace('-', ' ')).ToHashSet();

        Assert.DoesNotContain(names, n => n.EndsWith('s') && names.Contains(n[..^1]));
        Assert.Equal(290, names.Count);
    }

    [Fact]
    public void TryResolve_EveryMunicipalityInEveryForm_GivesItsOwnCode()
    {
        foreach (var m in Registry.Municipalities)
        {
            foreach (var form in new[] { m.Name, m.Name.ToUpperInvariant(), m.Name + " kommun", m.Name + "s kommun", m.Name + " stad", m.Name.Normalize(NormalizationForm.FormD), m.Code })
            {
                Assert.True(Registry.TryResolve(form, out var code), form);
                Assert.Equal(m.Code, code);
            }
        }
    }

    [Fact]
    public void CountyOf_Municipality_GivesItsCounty()
    {
        Assert.Equal("01", Registry.CountyOf("0182"));
        Assert.Equal("14", Registry.CountyOf("1480"));
        Assert.Null(Registry.CountyOf("556016-0680"));
        Assert.Null(Registry.CountyOf("212000-0167"));
        Assert.Equal("Nacka", Registry.FindMunicipality("0182")!.Name);
    }
}

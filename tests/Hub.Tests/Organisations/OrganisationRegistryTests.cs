using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Tests.Organisations;

public sealed class OrganisationRegistryTests
{
    [Fact]
    public void Registry_EmbeddedData_Has290MunicipalitiesAnd21Counties()
    {
        Assert.Equal(290, OrganisationRegistry.Shared.Municipalities.Count);
        Assert.Equal(21, OrganisationRegistry.Shared.Counties.Count);
    }
}

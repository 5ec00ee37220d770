using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

public sealed class PersonnummerGuardTests
{
    [Theory]
    [InlineData("811218-9876")]
    [InlineData("811218+9876")]
    [InlineData("198112189876")]
    [InlineData("19811218-9876")]
    [InlineData("Kontakt: 811218-9876.")]
    [InlineData("701063-2391")]
    [InlineData("000229-0005")]
    public void Contains_ValidPersonnummerOrSamordningsnummer_IsTrue(string text)
    {
        Assert.True(PersonnummerGuard.Contains(text));
    }

    [Theory]
    [InlineData("811218-9875")]
    [InlineData("556016-0680")]
    [InlineData("212000-0167")]
    [InlineData("165560160680")]
    [InlineData("2026-03-19")]
    [InlineData("KS-2026-0042")]
    [InlineData("Dnr 2026/0042-1")]
    [InlineData("8112189876")]
    [InlineData("1811218-98760")]
    [InlineData("811232-9876")]
    [InlineData("010229-0008")]
    public void Contains_OrganisationsnummerDatesAndCaseNumbers_IsFalse(string text)
    {
        Assert.False(PersonnummerGuard.Contains(text));
    }
}

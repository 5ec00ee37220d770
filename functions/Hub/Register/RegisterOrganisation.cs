using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Register;

/// <summary>
/// An organisation as the public register shows it: its id (kommunkod or organisationsnummer), its name, its county, and
/// its organisationsnummer when the hub knows it, which names it on dataportal.se too (<see cref="Uri"/>).
/// </summary>
public sealed record RegisterOrganisation(string Id, string Name, string? County, string? CountyName, string? Organisationsnummer)
{
    /// <summary>How dataportal.se names an organisation: this prefix and its organisationsnummer without the hyphen.</summary>
    public const string DataportalPrefix = "http://dataportal.se/organisation/SE";

    public bool IsMunicipality => County is not null;

    /// <summary>dataportal.se's URI of the organisation (<c>http://dataportal.se/organisation/SE2120000167</c>), when its organisationsnummer is known.</summary>
    public string? Uri => Organisationsnummer is { } number ? DataportalPrefix + number.Replace("-", string.Empty, StringComparison.Ordinal) : null;
}

/// <summary>Names, counties and organisationsnummer of the organisations in the register, from <see cref="OrganisationRegistry"/>.</summary>
public sealed class RegisterDirectory(OrganisationRegistry registry)
{
    public OrganisationRegistry Registry => registry;

    /// <summary>A municipality by its kommunkod (with its organisationsnummer), any other organisation by its organisationsnummer (its id; no name is known for it).</summary>
    public RegisterOrganisation Of(string organisation)
    {
        if (registry.FindMunicipality(organisation) is { } municipality)
        {
            return new RegisterOrganisation(municipality.Code, municipality.Name, municipality.CountyCode, registry.FindCounty(municipality.CountyCode)?.Name, municipality.Organisationsnummer);
        }

        return new RegisterOrganisation(organisation, organisation, null, null, NumberOf(organisation));
    }

    /// <summary>The organisationsnummer of an organisation identified by one (a municipality's comes from the registry).</summary>
    private static string? NumberOf(string organisation) =>
        Organisationsnummer.TryParse(organisation, out var canonical) && canonical == organisation ? canonical : null;
}

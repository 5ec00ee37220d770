using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// Checks a mapping profile when a source is saved, so that a broken profile is refused then and not on every update:
/// field names must be canonical fields, pointers RFC 6901, mapped words must mean one of our words
/// (<c>kind: {"Beslut": "decison"}</c> is refused), defaults must be valid values. Errors name
/// <c>profile.fields.kind</c>, <c>profile.values.kind.Beslut</c>, <c>profile.defaults.area</c>.
/// </summary>
public static class MappingProfileValidator
{
    public static IReadOnlyList<InvalidParameter> Validate(MappingProfile profile) => Validate(profile, OrganisationRegistry.Shared);

    public static IReadOnlyList<InvalidParameter> Validate(MappingProfile? profile, OrganisationRegistry organisations)
    {
        if (profile is null)
        {
            return [new InvalidParameter("profile", "Required when the format is profile.")];
        }

        var errors = CompiledProfile.Compile(profile, new UpdateNormaliser(organisations)).Errors;
        if ((profile.Fields?.Count ?? 0) == 0)
        {
            errors.Insert(0, new InvalidParameter("profile.fields", "Map at least one canonical field to a JSON Pointer."));
        }

        return errors;
    }
}

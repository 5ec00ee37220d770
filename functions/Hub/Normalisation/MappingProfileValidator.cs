namespace Mellanrum.Hub.Normalisation;

/// <summary>Refuses a mapping profile when it is saved, not when the first update fails.</summary>
public static class MappingProfileValidator
{
    private static readonly string[] CanonicalFields =
        ["externalId", "collaboration", "kind", "title", "summary", "status", "area", "participants", "occurredAt", "links", "tags"];

    public static IReadOnlyList<InvalidParameter> Validate(MappingProfile profile)
    {
        var errors = new List<InvalidParameter>();
        foreach (var (field, pointer) in profile.Fields)
        {
            if (!CanonicalFields.Contains(field))
            {
                errors.Add(new InvalidParameter($"profile.fields.{field}", "Not a canonical field."));
            }

            if (pointer is null || (pointer.Length > 0 && pointer[0] != '/'))
            {
                errors.Add(new InvalidParameter($"profile.fields.{field}", "Must be a JSON Pointer (RFC 6901) such as /arende/id."));
            }
        }

        return errors;
    }
}

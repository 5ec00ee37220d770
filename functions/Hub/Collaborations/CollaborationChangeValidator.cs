using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Collaborations;

/// <summary>Checks a <see cref="CollaborationChange"/> field by field (every failing field at once) and gives it in canonical form.</summary>
public static class CollaborationChangeValidator
{
    public const int MaxName = 200;
    public const int MaxDescription = 4000;

    public static (CollaborationChange Change, IReadOnlyList<InvalidParameter> Errors) Validate(CollaborationChange change, OrganisationRegistry organisations)
    {
        var errors = new List<InvalidParameter>();
        var name = Text(change.Name, "name", MaxName, errors);
        var description = Text(change.Description, "description", MaxDescription, errors);
        if (change.Form is { } form && !Collaboration.Forms.Contains(form))
        {
            errors.Add(new InvalidParameter("form", "Must be one of: " + string.Join(", ", Collaboration.Forms) + ".", Ids.Echo(form)));
        }

        if (change.Status is { } status && !Vocabulary.Statuses.Contains(status))
        {
            errors.Add(new InvalidParameter("status", "Must be one of: " + string.Join(", ", Vocabulary.Statuses) + ".", Ids.Echo(status)));
        }

        if (change.Area is { } area && !Vocabulary.Areas.Contains(area))
        {
            errors.Add(new InvalidParameter("area", "Must be one of: " + string.Join(", ", Vocabulary.Areas) + ".", Ids.Echo(area)));
        }

        string? owner = null;
        if (change.Owner is { } named && !organisations.TryResolve(named, out owner))
        {
            errors.Add(new InvalidParameter("owner", "Not a known kommunkod, municipality name or valid organisationsnummer.", Ids.Echo(named)));
        }

        return (change with { Name = name, Description = description, Owner = owner ?? change.Owner }, errors);
    }

    private static string? Text(string? value, string field, int max, List<InvalidParameter> errors)
    {
        if (value is null)
        {
            return null;
        }

        var cleaned = TextCleaner.Clean(value, multiline: field == "description");
        if (cleaned.Length == 0 || cleaned.Length > max)
        {
            errors.Add(new InvalidParameter(field, $"1 to {max} characters of plain text.", Ids.Echo(value)));
        }

        if (PersonnummerGuard.Contains(cleaned))
        {
            errors.Add(new InvalidParameter(field, "Holds what looks like a personnummer: this hub carries no personal records."));
        }

        return cleaned;
    }
}

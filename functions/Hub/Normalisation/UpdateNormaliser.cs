using System.Runtime.InteropServices;
using System.Text.Json;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// Canonical JSON (or a source's own JSON through its mapping profile) in, one canonical update or every error out.
/// Pure: no I/O, never throws on any JSON, and normalising its own output (as canonical JSON) changes nothing.
/// </summary>
public sealed class UpdateNormaliser(OrganisationRegistry organisations) : IUpdateNormaliser
{
    public const int MaxTitleLength = TextField.MaxTitleLength;
    public const int MaxSummaryLength = TextField.MaxSummaryLength;
    public const int MaxExternalIdLength = ExternalIdField.MaxLength;
    public const int MaxTagLength = TagsField.MaxLength;
    public const int MaxLinkTitleLength = LinksField.MaxTitleLength;
    public const int MaxUrlLength = LinksField.MaxUrlLength;

    private static readonly JsonElement NoValue = default;

    private readonly ParticipantsField _participants = new(organisations);

    public UpdateNormaliser()
        : this(OrganisationRegistry.Shared)
    {
    }

    public NormalisationResult Normalise(JsonElement payload, NormalisationContext context)
    {
        CompiledProfile? profile = null;
        if (context.Profile is not null)
        {
            profile = CompiledProfile.For(context.Profile, this);
            if (profile.Errors.Count > 0)
            {
                return NormalisationResult.Failure(profile.Errors);
            }
        }
        else if (payload.ValueKind != JsonValueKind.Object)
        {
            return NormalisationResult.Failure([new InvalidParameter("$", "The update must be a JSON object.")]);
        }

        var errors = new ErrorList();
        var guardHits = PersonnummerGuard.FindPaths(payload);
        if (guardHits is not null)
        {
            foreach (var path in guardHits)
            {
                errors.Add(NameOfPath(path, profile), FieldValue.PersonnummerReason);
            }
        }

        var externalId = ExternalIdField.Read(Field(payload, profile, 0), errors);
        var collaboration = CollaborationField.Read(Field(payload, profile, 1), profile?.Values[1], CanonicalFields.Collaboration, errors);
        var kind = WordField.Read(Field(payload, profile, 2), profile?.Values[2], WordTable.Kinds, required: true, errors);
        var title = TextField.Read(Field(payload, profile, 3), CanonicalFields.Title, multiline: false, MaxTitleLength, required: true, errors);
        var summary = TextField.Read(Field(payload, profile, 4), CanonicalFields.Summary, multiline: true, MaxSummaryLength, required: false, errors);
        var status = WordField.Read(Field(payload, profile, 5), profile?.Values[5], WordTable.Statuses, required: false, errors);
        var area = WordField.Read(Field(payload, profile, 6), profile?.Values[6], WordTable.Areas, required: false, errors);
        var participants = _participants.Read(Field(payload, profile, 7), profile?.Values[7], CanonicalFields.Participants, context.Organisation, errors);
        var occurredAt = OccurredAtField.Read(Field(payload, profile, 8), context.Now, errors);
        var links = LinksField.Read(Field(payload, profile, 9), CanonicalFields.Links, errors);
        var tags = TagsField.Read(Field(payload, profile, 10), profile?.Values[10], CanonicalFields.Tags, errors);
        var collaborationName = TextField.Read(Field(payload, profile, 11), CanonicalFields.CollaborationName, multiline: false, MaxTitleLength, required: false, errors);

        if (!errors.IsEmpty)
        {
            return NormalisationResult.Failure(errors.ToReadOnlyList(), errors.Omitted);
        }

        var update = new CanonicalUpdate(
            externalId, collaboration!, kind!, title!, summary, status, area, participants, occurredAt!.Value, links, tags, collaborationName);
        UpdateSize.Check(update, errors);
        return errors.IsEmpty ? NormalisationResult.Success(update) : NormalisationResult.Failure(errors.ToReadOnlyList(), errors.Omitted);
    }

    /// <summary>Our word for a source's word in a profile's value map, or null with an error.</summary>
    internal string? ResolveWord(string field, string? ours, string property, List<InvalidParameter> errors)
    {
        var found = new ErrorList();
        string? result = null;
        if (ours is null)
        {
            found.Add(property, "Must map to one of our words.");
        }
        else
        {
            var element = JsonSerializer.SerializeToElement(ours);
            result = field switch
            {
                CanonicalFields.Collaboration => CollaborationField.Read(element, null, property, found),
                CanonicalFields.Participants => _participants.Read(element, null, property, string.Empty, found) is [var one] ? one : null,
                CanonicalFields.Tags => TagsField.Read(element, null, property, found) is [var tag] ? tag : null,
                _ => WordField.Read(element, null, WordTable.For(field)!, required: true, found, property),
            };
            if (result is null && found.IsEmpty)
            {
                found.Add(property, "Must map to exactly one value.", Echo.Of(ours));
            }
        }

        if (!found.IsEmpty)
        {
            errors.AddRange(found.ToReadOnlyList());
            return null;
        }

        return result;
    }

    /// <summary>True when <paramref name="value"/> is a valid value for <paramref name="field"/>; else errors under <paramref name="property"/>.</summary>
    internal bool CheckDefault(string field, JsonElement value, string property, List<InvalidParameter> errors)
    {
        var found = new ErrorList();
        if (PersonnummerGuard.FindPaths(value) is not null)
        {
            found.Add(property, FieldValue.PersonnummerReason);
        }

        _ = field switch
        {
            CanonicalFields.Collaboration => (object?)CollaborationField.Read(value, null, property, found),
            CanonicalFields.Kind => WordField.Read(value, null, WordTable.Kinds, required: true, found, property),
            CanonicalFields.Status => WordField.Read(value, null, WordTable.Statuses, required: true, found, property),
            CanonicalFields.Area => WordField.Read(value, null, WordTable.Areas, required: true, found, property),
            CanonicalFields.Title => TextField.Read(value, property, multiline: false, MaxTitleLength, required: true, found),
            CanonicalFields.Summary => TextField.Read(value, property, multiline: true, MaxSummaryLength, required: true, found),
            CanonicalFields.Participants => _participants.Read(value, null, property, string.Empty, found),
            CanonicalFields.Links => LinksField.Read(value, property, found),
            CanonicalFields.Tags => TagsField.Read(value, null, property, found),
            _ => null,
        };

        if (found.IsEmpty)
        {
            return true;
        }

        errors.AddRange(found.ToReadOnlyList());
        return false;
    }

    private static JsonElement Field(JsonElement payload, CompiledProfile? profile, int index)
    {
        JsonElement value;
        if (profile is null)
        {
            if (!JsonText.TryGetProperty(payload, FieldNames.Utf8[index], out value))
            {
                return NoValue;
            }
        }
        else if (profile.Pointers[index] is not { } pointer || !pointer.TryEvaluate(payload, out value) || IsBlank(value))
        {
            return profile.Defaults[index] ?? NoValue;
        }

        return value;
    }

    private static bool IsBlank(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.String => JsonMarshal.GetRawUtf8Value(value).Length <= 2 || string.IsNullOrWhiteSpace(JsonText.GetString(value)),
        _ => false,
    };

    private static string NameOfPath(string path, CompiledProfile? profile)
    {
        if (profile is null)
        {
            return path;
        }

        for (var i = 0; i < profile.Pointers.Length; i++)
        {
            var dotted = profile.Pointers[i]?.DottedPath;
            if (dotted is null || dotted.Length == 0)
            {
                continue;
            }

            if (path == dotted)
            {
                return CanonicalFields.All[i];
            }

            if (path.StartsWith(dotted, StringComparison.Ordinal) && path[dotted.Length] is '[' or '.')
            {
                return CanonicalFields.All[i] + path[dotted.Length..];
            }
        }

        return path;
    }

    private static class FieldNames
    {
        public static readonly byte[][] Utf8 = CanonicalFields.All.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
    }
}

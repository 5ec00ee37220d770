using System.Globalization;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Organisations;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>Canonical JSON (or a source's own JSON through its mapping profile) in, one canonical update out.</summary>
public sealed class UpdateNormaliser(OrganisationRegistry organisations) : IUpdateNormaliser
{
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public NormalisationResult Normalise(JsonElement payload, NormalisationContext context)
    {
        var errors = new List<InvalidParameter>();
        if (payload.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new InvalidParameter("$", "The update must be a JSON object."));
            return NormalisationResult.Failure(errors);
        }

        string? Text(string name) => payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var externalId = Clean(Text("externalId"));
        var collaboration = Clean(Text("collaboration"));
        if (string.IsNullOrEmpty(collaboration))
        {
            errors.Add(new InvalidParameter("collaboration", "Required."));
        }
        else if (!IsSlug(collaboration))
        {
            errors.Add(new InvalidParameter("collaboration", "Must be a slug of 3-64 characters a-z, 0-9 and '-'.", Echo(collaboration)));
        }

        var kind = Word(Text("kind"), Vocabulary.Kinds, "kind", required: true, errors);
        var status = Word(Text("status"), Vocabulary.Statuses, "status", required: false, errors);
        var area = Word(Text("area"), Vocabulary.Areas, "area", required: false, errors);

        var title = Clean(Text("title"));
        if (string.IsNullOrEmpty(title))
        {
            errors.Add(new InvalidParameter("title", "Required."));
        }
        else if (title.Length > 200)
        {
            errors.Add(new InvalidParameter("title", "At most 200 characters.", Echo(title)));
        }

        var summary = Clean(Text("summary"));
        if (summary is { Length: > 4000 })
        {
            errors.Add(new InvalidParameter("summary", "At most 4000 characters.", Echo(summary)));
        }

        var occurredAt = OccurredAt(Text("occurredAt"), context.Now, errors);
        var participants = Participants(payload, errors);
        var links = Links(payload, errors);
        var tags = payload.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => Clean(x.GetString())!).Where(x => x.Length > 0).Distinct().ToArray()
            : [];

        if (errors.Count > 0)
        {
            return NormalisationResult.Failure(errors);
        }

        return NormalisationResult.Success(new CanonicalUpdate(
            externalId, collaboration!, kind!, title!, summary, status, area,
            participants.Where(p => p != context.Organisation).Order(StringComparer.Ordinal).ToArray(),
            occurredAt!.Value, links, tags));
    }

    private static string? Clean(string? value) => value?.Trim().Normalize(NormalizationForm.FormC);

    private static string Echo(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static bool IsSlug(string value) =>
        value.Length is >= 3 and <= 64 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static string? Word(string? value, IReadOnlyList<string> words, string property, bool required, List<InvalidParameter> errors)
    {
        var cleaned = Clean(value);
        if (string.IsNullOrEmpty(cleaned))
        {
            if (required)
            {
                errors.Add(new InvalidParameter(property, "Required."));
            }

            return null;
        }

        var match = words.FirstOrDefault(w => string.Equals(w, cleaned, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors.Add(new InvalidParameter(property, "Must be one of: " + string.Join(", ", words) + ".", Echo(cleaned)));
        }

        return match;
    }

    private static DateTimeOffset? OccurredAt(string? value, DateTimeOffset now, List<InvalidParameter> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new InvalidParameter("occurredAt", "Required."));
            return null;
        }

        DateTimeOffset result;
        if (DateTimeOffset.TryParseExact(value.Trim(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset)
            && (value.EndsWith('Z') || value.EndsWith('z') || value.Contains('+') || value.LastIndexOf('-') > 10))
        {
            result = withOffset;
        }
        else if (DateTime.TryParseExact(value.Trim(), ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            if (Stockholm.IsInvalidTime(local))
            {
                errors.Add(new InvalidParameter("occurredAt", "That local time does not exist in Europe/Stockholm (summer time starts).", Echo(value)));
                return null;
            }

            var offset = Stockholm.IsAmbiguousTime(local) ? Stockholm.GetAmbiguousTimeOffsets(local).Max() : Stockholm.GetUtcOffset(local);
            result = new DateTimeOffset(local, offset);
        }
        else
        {
            errors.Add(new InvalidParameter("occurredAt", "Must be an RFC 3339 time, a local time or a date.", Echo(value)));
            return null;
        }

        if (result > now.AddDays(1))
        {
            errors.Add(new InvalidParameter("occurredAt", "Must not be more than a day in the future.", Echo(value)));
            return null;
        }

        return result.ToUniversalTime();
    }

    private List<string> Participants(JsonElement payload, List<InvalidParameter> errors)
    {
        var result = new List<string>();
        if (!payload.TryGetProperty("participants", out var array))
        {
            return result;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new InvalidParameter("participants", "Must be an array."));
            return result;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var raw = item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText();
            if (organisations.TryResolve(raw, out var code))
            {
                if (!result.Contains(code))
                {
                    result.Add(code);
                }
            }
            else
            {
                errors.Add(new InvalidParameter($"participants[{i}]", "Not a known kommunkod, municipality name or valid organisationsnummer.", Echo(raw ?? string.Empty)));
            }

            i++;
        }

        return result;
    }

    private static List<UpdateLink> Links(JsonElement payload, List<InvalidParameter> errors)
    {
        var result = new List<UpdateLink>();
        if (!payload.TryGetProperty("links", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var url = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var title = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("title", out var tt) && tt.ValueKind == JsonValueKind.String ? Clean(tt.GetString()) : null;
            if (Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                result.Add(new UpdateLink(title, uri.AbsoluteUri));
            }
            else
            {
                errors.Add(new InvalidParameter($"links[{i}].url", "Must be an absolute https URL.", Echo(url ?? string.Empty)));
            }

            i++;
        }

        return result;
    }
}

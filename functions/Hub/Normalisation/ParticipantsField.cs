using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text.Json;
using Mellanrum.Hub.Organisations;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// The organisations taking part besides the sender: kommunkoder, municipalities' names or organisationsnummer, as a list
/// or one text separated by ',', ';' or lines; each resolved to the organisation's canonical id, once, sorted. The sender
/// is left out: it always counts.
/// </summary>
internal sealed class ParticipantsField(OrganisationRegistry organisations)
{
    /// <summary>At most this many participants in one update (besides the sender).</summary>
    public const int MaxCount = 100;

    /// <summary>The participants' ids, sorted; each one not understood is an error under its index.</summary>
    public string[] Read(JsonElement value, FrozenDictionary<string, string>? map, string property, string sender, ErrorList errors)
    {
        if (FieldValue.IsMissing(value))
        {
            return [];
        }

        List<string>? found = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                if (value.GetArrayLength() > MaxCount * 2)
                {
                    // Far past the limit: refused without resolving each name (repeats of one name are forgiven below it).
                    errors.Add(property, $"At most {MaxCount} participants per update; this names {value.GetArrayLength()}.");
                    return [];
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Participant(item, map, property, i, sender, ref found, errors);
                    i++;
                }

                break;
            case JsonValueKind.String or JsonValueKind.Number:
                var text = value.ValueKind == JsonValueKind.String ? JsonText.GetString(value) : value.GetRawText();
                var index = 0;
                foreach (var range in text.AsSpan().SplitAny(',', ';', '\n'))
                {
                    var part = text.AsSpan(range).Trim();
                    if (!part.IsEmpty)
                    {
                        Resolve(part, map, $"{property}[{index}]", sender, ref found, errors);
                        index++;
                    }
                }

                break;
            default:
                errors.Add(property, "Must be a list of kommunkoder, municipality names or organisationsnummer.");
                return [];
        }

        if (found is null)
        {
            return [];
        }

        var result = found.ToArray();
        Array.Sort(result, StringComparer.Ordinal);
        if (result.Length > MaxCount)
        {
            errors.Add(property, $"At most {MaxCount} participants per update; this names {result.Length}.");
            return [];
        }

        return result;
    }

    private void Participant(JsonElement item, FrozenDictionary<string, string>? map, string property, int index, string sender, ref List<string>? found, ErrorList errors)
    {
        if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            errors.Add($"{property}[{index}]", "Must be a kommunkod, a municipality's name or an organisationsnummer.");
            return;
        }

        var raw = JsonMarshal.GetRawUtf8Value(item);
        if (item.ValueKind == JsonValueKind.String && raw.Length < 66 && raw.IndexOf((byte)'\\') < 0)
        {
            Span<char> chars = stackalloc char[64];
            if (System.Text.Unicode.Utf8.ToUtf16(raw[1..^1], chars, out _, out var written) == System.Buffers.OperationStatus.Done)
            {
                Resolve(chars[..written], map, null, sender, ref found, errors, property, index);
                return;
            }
        }

        var text = item.ValueKind == JsonValueKind.String ? JsonText.GetString(item) : item.GetRawText();
        Resolve(text, map, null, sender, ref found, errors, property, index);
    }

    private void Resolve(ReadOnlySpan<char> text, FrozenDictionary<string, string>? map, string? itemProperty, string sender, ref List<string>? found, ErrorList errors, string? property = null, int index = 0)
    {
        string organisation;
        if (map is not null && FieldValue.Mapped(text, map) is { } mapped)
        {
            organisation = mapped;
        }
        else if (!organisations.TryResolve(text, out organisation))
        {
            errors.Add(itemProperty ?? $"{property}[{index}]",
                "Not a kommunkod, a municipality's name or a valid organisationsnummer that we know.",
                Echo.Of(text.ToString()));
            return;
        }

        if (organisation == sender)
        {
            return; // the sender always counts; it is added when the update is given its identity
        }

        found ??= [];
        if (!found.Contains(organisation))
        {
            found.Add(organisation);
        }
    }
}

using System.Text;
using System.Text.Json;

namespace Mellanrum.Hub.Updates;

/// <summary>
/// Whether an update fits everywhere the hub keeps or sends it: its JSON in one Table Storage string property (64 KiB as
/// UTF-16, 32,768 characters), and as a CloudEvent in a storage-queue message (64 KiB) and a Service Bus Standard
/// message (256 KiB), with room for the event's envelope, the hub's own fields and the <c>deliveries</c> message that
/// carries a webhook's body. Azurite enforces none of the table limits, so the hub does. An update that each field limit
/// allows may still be too large in sum (twenty links of 2,000 characters); it is refused naming the largest fields,
/// those without which it would fit.
/// </summary>
public static class UpdateSize
{
    /// <summary>UTF-16 characters of the canonical update's JSON: a table string property less room for the identity the hub adds.</summary>
    public const int MaxStoredCharacters = 32_768 - 768;

    /// <summary>UTF-8 bytes of the canonical update's JSON: a storage-queue message less the envelope and a webhook delivery's wrapping.</summary>
    public const int MaxEventBytes = 56 * 1024;

    /// <summary>Adds an error for each field that makes <paramref name="update"/> too large; nothing when it fits.</summary>
    public static void Check(CanonicalUpdate update, ErrorList errors)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(update, HubJson.Options);
        var bytes = json.Length;
        var characters = Encoding.UTF8.GetCharCount(json);
        if (bytes <= MaxEventBytes && characters <= MaxStoredCharacters)
        {
            return;
        }

        // The largest fields first, until what is left would fit.
        var fields = new (string Property, int Characters, int Bytes)[]
        {
            (FieldNames.Summary, Chars(update.Summary), Utf8(update.Summary)),
            (FieldNames.Links, update.Links.Sum(l => Chars(l.Url) + Chars(l.Title) + 20), update.Links.Sum(l => Utf8(l.Url) + Utf8(l.Title) + 20)),
            (FieldNames.Tags, update.Tags.Sum(t => Chars(t) + 3), update.Tags.Sum(t => Utf8(t) + 3)),
            (FieldNames.Participants, update.Participants.Sum(p => p.Length + 3), update.Participants.Sum(p => p.Length + 3)),
            (FieldNames.Title, Chars(update.Title), Utf8(update.Title)),
            (FieldNames.CollaborationName, Chars(update.CollaborationName), Utf8(update.CollaborationName)),
        };
        var reason = $"The update is {characters:N0} characters ({bytes / 1024.0:N1} KiB as UTF-8) in all; at most {MaxStoredCharacters:N0} characters and {MaxEventBytes / 1024} KiB fit in storage and in every partner channel.";
        foreach (var field in fields.OrderByDescending(f => Math.Max(f.Characters, f.Bytes / 2)))
        {
            if (bytes <= MaxEventBytes && characters <= MaxStoredCharacters)
            {
                break;
            }

            if (field.Characters == 0)
            {
                continue;
            }

            errors.Add(field.Property, $"{reason} This field takes about {field.Characters:N0} characters; shorten it.");
            characters -= field.Characters;
            bytes -= field.Bytes;
        }
    }

    private static int Chars(string? text) => text?.Length ?? 0;

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    private static class FieldNames
    {
        public const string Summary = "summary";
        public const string Links = "links";
        public const string Tags = "tags";
        public const string Participants = "participants";
        public const string Title = "title";
        public const string CollaborationName = "collaborationName";
    }
}

using System.Globalization;
using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Extensions;
using CloudNative.CloudEvents.SystemTextJson;

namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>One update as the hub delivers it: the CloudEvent's attributes a partner routes on, and the update itself.</summary>
/// <param name="Id">The update id (CloudEvent <c>id</c>; also the Service Bus <c>MessageId</c>): the same on every redelivery.</param>
/// <param name="Source"><c>/sources/{sourceId}</c>: the sending system.</param>
/// <param name="Collaboration">The collaboration id (CloudEvent <c>subject</c> and extension <c>collaboration</c>).</param>
/// <param name="Organisation">The sending organisation (extension <c>organisation</c>): a kommunkod or organisationsnummer.</param>
/// <param name="Kind">The kind of update (extension <c>kind</c>; the Service Bus <c>Subject</c>).</param>
/// <param name="Area">The area of the collaboration (extension <c>area</c>), when known.</param>
/// <param name="Sequence">The update's place in its collaboration (extension <c>sequence</c>): increasing, gaps possible.</param>
/// <param name="OccurredAt">When it happened (CloudEvent <c>time</c>).</param>
/// <param name="Update">The normalised update (CloudEvent <c>data</c>).</param>
/// <param name="Type">The CloudEvent <c>type</c>: <see cref="HubEventReader.EventType"/>, the only one the reader accepts.</param>
public sealed record HubEvent(
    string Id,
    string Source,
    string Collaboration,
    string Organisation,
    string Kind,
    string? Area,
    long Sequence,
    DateTimeOffset? OccurredAt,
    HubUpdate Update,
    string Type = HubEventReader.EventType);

/// <summary>
/// The normalised update (the contract's "normalised update"); copy only the fields you use. <c>Participants</c> are as
/// the sender named them; the collaboration's members, owner and name are the collaboration's own
/// (<c>GET /api/v1/collaborations/{id}</c>); <c>CollaborationName</c> is sent only by the update that created it.
/// </summary>
public sealed record HubUpdate(
    string Id,
    string SourceId,
    string? ExternalId,
    string Organisation,
    string Collaboration,
    string Kind,
    string Title,
    string? Summary,
    string? Status,
    string? Area,
    IReadOnlyList<string> Participants,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<HubLink>? Links,
    IReadOnlyList<string>? Tags,
    string? CollaborationName = null);

public sealed record HubLink(string Title, string Url);

/// <summary>Thrown for a delivery that can never be read: dead-letter it (or answer 400), do not retry it.</summary>
public sealed class UnreadableEventException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the hub's CloudEvents 1.0 structured JSON (<c>application/cloudevents+json</c>), the same bytes on every channel.
/// </summary>
public static class HubEventReader
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "se.samverkan.update";

    private static readonly JsonSerializerOptions DataOptions = new(JsonSerializerDefaults.Web);

    // Extension attributes the hub sets; declaring them lets the SDK validate their type. "sequence" is the CloudEvents
    // sequence extension: a string, here always an integer, compared as a number.
    private static readonly CloudEventAttribute[] Extensions =
    [
        CloudEventAttribute.CreateExtension("organisation", CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension("collaboration", CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension("kind", CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension("area", CloudEventAttributeType.String),
        Sequence.SequenceAttribute,
    ];

    private static readonly JsonEventFormatter Formatter = new();

    public static HubEvent Read(ReadOnlyMemory<byte> body)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, new ContentType(ContentType), Extensions);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException)
        {
            throw new UnreadableEventException("Not a CloudEvents 1.0 structured JSON event: " + e.Message, e);
        }

        if (cloudEvent.Type != EventType)
        {
            throw new UnreadableEventException($"Unexpected event type '{cloudEvent.Type}'.");
        }

        if (cloudEvent.Data is not JsonElement { ValueKind: JsonValueKind.Object } data)
        {
            throw new UnreadableEventException("The event has no JSON object as data.");
        }

        HubUpdate? update;
        try
        {
            update = data.Deserialize<HubUpdate>(DataOptions);
        }
        catch (JsonException e)
        {
            throw new UnreadableEventException("The event's data is not a normalised update: " + e.Message, e);
        }

        var sequenceText = cloudEvent[Sequence.SequenceAttribute] as string;
        if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new UnreadableEventException("The event has no integer 'sequence' extension attribute.");
        }

        var collaboration = cloudEvent.Subject ?? cloudEvent["collaboration"] as string;
        if (update is null || collaboration is null || cloudEvent.Id is null)
        {
            throw new UnreadableEventException("The event lacks its id, subject or data.");
        }

        return new HubEvent(
            cloudEvent.Id,
            cloudEvent.Source?.ToString() ?? string.Empty,
            collaboration,
            cloudEvent["organisation"] as string ?? update.Organisation,
            cloudEvent["kind"] as string ?? update.Kind,
            cloudEvent["area"] as string ?? update.Area,
            sequence,
            cloudEvent.Time,
            update,
            cloudEvent.Type);
    }
}

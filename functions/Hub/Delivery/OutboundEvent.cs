using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Extensions;
using CloudNative.CloudEvents.SystemTextJson;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// One update as partners receive it: a CloudEvents 1.0 structured JSON event, encoded once for every channel. The
/// update's trace travels in it as the CloudEvents Distributed Tracing extension (<c>traceparent</c>, <c>tracestate</c>:
/// the CloudEvents SDK for .NET has no class for it, so its two attributes are declared here as the extension's spec names
/// them) and, for the channels that have one, beside it (<see cref="Trace"/>).
/// </summary>
public sealed record OutboundEvent(string UpdateId, string Collaboration, string Kind, string Organisation, string? Area, long? Sequence, ReadOnlyMemory<byte> Body)
{
    public const string EventType = "se.samverkan.update";
    public const string ContentType = "application/cloudevents+json";

    /// <summary>The type of a test event a partner sends itself from its partner page (no update behind it).</summary>
    public const string TestEventType = "se.samverkan.test";

    public static readonly CloudEventAttribute OrganisationAttribute = CloudEventAttribute.CreateExtension("organisation", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute CollaborationAttribute = CloudEventAttribute.CreateExtension("collaboration", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute KindAttribute = CloudEventAttribute.CreateExtension("kind", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute AreaAttribute = CloudEventAttribute.CreateExtension("area", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute TraceParentAttribute = CloudEventAttribute.CreateExtension(CarriedTrace.ParentHeader, CloudEventAttributeType.String);
    public static readonly CloudEventAttribute TraceStateAttribute = CloudEventAttribute.CreateExtension(CarriedTrace.StateHeader, CloudEventAttributeType.String);

    /// <summary>The trace the event belongs to (the one in its <c>traceparent</c>); empty when none was carried.</summary>
    public CarriedTrace Trace { get; init; }

    private static readonly JsonEventFormatter Formatter = new(HubJson.Options, default);

    /// <summary>A test event for partner <paramref name="partnerId"/>: type <see cref="TestEventType"/>, no sequence, data saying what it is.</summary>
    public static OutboundEvent Test(string id, string partnerId, DateTimeOffset at)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = id,
            Source = new Uri("/portal", UriKind.Relative),
            Type = TestEventType,
            Subject = partnerId,
            Time = at,
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(new { message = "A test event sent from the partner page; it is no update.", partnerId }, HubJson.Options),
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new OutboundEvent(id, "test", "test", string.Empty, null, null, body);
    }

    public static OutboundEvent From(NormalisedUpdate update, long? sequence, CarriedTrace trace = default)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0,
            [OrganisationAttribute, CollaborationAttribute, KindAttribute, AreaAttribute, TraceParentAttribute, TraceStateAttribute])
        {
            Id = update.Id,
            Source = new Uri($"/sources/{update.SourceId}", UriKind.Relative),
            Type = EventType,
            Subject = update.Collaboration,
            Time = update.OccurredAt,
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(update, HubJson.Options),
        };
        cloudEvent[OrganisationAttribute] = update.Organisation;
        cloudEvent[CollaborationAttribute] = update.Collaboration;
        cloudEvent[KindAttribute] = update.Kind;
        if (update.Area is not null)
        {
            cloudEvent[AreaAttribute] = update.Area;
        }

        if (trace.Parent is { } parent)
        {
            cloudEvent[TraceParentAttribute] = parent;
            if (trace.State is { } state)
            {
                cloudEvent[TraceStateAttribute] = state;
            }
        }

        if (sequence is { } value)
        {
            // The Sequence extension knows Integer as a 32-bit int.
            // Past that the sequence is the spec's plain string form (no sequencetype).
            if (value <= int.MaxValue)
            {
                cloudEvent.SetSequence((int)value);
            }
            else
            {
                cloudEvent[CloudNative.CloudEvents.Extensions.Sequence.SequenceAttribute] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new OutboundEvent(update.Id, update.Collaboration, update.Kind, update.Organisation, update.Area, sequence, body) { Trace = trace };
    }
}

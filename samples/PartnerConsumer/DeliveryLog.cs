namespace Mellanrum.Samples.PartnerConsumer;

/// <summary>
/// The one information line each channel writes per delivery it has verified and handled: where it came from, the
/// CloudEvent's id, type, collaboration and sequence, and what became of it. Never the body, a connection string or a
/// secret.
/// </summary>
public static partial class DeliveryLog
{
    public static void Delivered(ILogger logger, string channel, HubEvent hubEvent, Outcome outcome) =>
        LogDelivered(logger, channel, hubEvent.Id, hubEvent.Type, hubEvent.Collaboration, hubEvent.Sequence, Describe(outcome));

    public static string Describe(Outcome outcome) => outcome switch
    {
        Outcome.Applied => "applied",
        Outcome.Late => "applied late, in its place",
        Outcome.Duplicate => "duplicate, dropped",
        _ => outcome.ToString(),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Channel}: event {EventId}, type {Type}, collaboration {Collaboration}, sequence {Sequence}: {Outcome}")]
    private static partial void LogDelivered(ILogger logger, string channel, string eventId, string type, string collaboration, long sequence, string outcome);
}

namespace Mellanrum.Hub.Delivery;

/// <summary>One attempt to deliver an update to a partner over a channel.</summary>
public sealed record DeliveryAttempt(
    string PartnerId,
    string UpdateId,
    string Channel,
    int Attempt,
    string Status,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    DateTimeOffset At);

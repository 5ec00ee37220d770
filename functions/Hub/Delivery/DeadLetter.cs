namespace Mellanrum.Hub.Delivery;

/// <summary>A delivery given up on: kept, visible and replayable.</summary>
public sealed record DeadLetter(string PartnerId, string UpdateId, string Channel, int Attempts, string Reason, DateTimeOffset At);

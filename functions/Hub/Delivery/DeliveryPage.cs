namespace Mellanrum.Hub.Delivery;

/// <summary>A page of a partner's delivery log: attempts newest first, and its dead letters.</summary>
public sealed record DeliveryPage(IReadOnlyList<DeliveryAttempt> Items, IReadOnlyList<DeadLetter> DeadLetters, int Limit, int Offset);

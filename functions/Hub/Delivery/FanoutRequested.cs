namespace Mellanrum.Hub.Delivery;

/// <summary>What the <c>fanout</c> queue carries: the id of an update whose fan-out is owed.</summary>
public sealed record FanoutRequested(string UpdateId);

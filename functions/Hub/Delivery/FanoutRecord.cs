using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Delivery;

/// <summary>Where an update's fan-out stands: the update, its sequence (once assigned), done or not, and what was delivered.</summary>
public sealed record FanoutRecord(NormalisedUpdate Update, long? Sequence, bool Done, IReadOnlySet<string> Delivered);

using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Delivery;

/// <summary>
/// Where an update's fan-out stands: the update, its sequence (once assigned), done or not, and the targets settled so
/// far (delivered, handed to the <c>deliveries</c> queue for a later attempt, or dead-lettered): a retry sends only to
/// the others.
/// </summary>
public sealed record FanoutRecord(NormalisedUpdate Update, long? Sequence, bool Done, IReadOnlySet<string> Settled)
{
    /// <summary>The trace the update was stored in (empty for rows from before).</summary>
    public CarriedTrace Trace { get; init; }

    public bool IsSettled(DeliveryTarget target) => Settled.Contains(target.Token) || Settled.Contains(target.LegacyKey);
}

/// <summary>What a fan-out attempt leaves for the ledger to save: the settled targets (tokens), how many recipients, done or not.</summary>
public sealed record FanoutProgress(IReadOnlySet<string> Settled, int Recipients, bool Done);

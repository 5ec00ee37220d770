namespace Mellanrum.Hub.Digest;

/// <summary>
/// Which month's digest an update belongs to (the contract's cutoff rule). Each month gets a cutoff instant when its
/// digest is first composed. An update belongs to the month it occurred in (Stockholm time) if it was stored before
/// that month's cutoff; otherwise, as reported late, to the first later month whose cutoff comes after it was stored
/// (a month without a cutoff yet gets one later, so it takes everything stored until then). An update stored more
/// than <c>maxLate</c> after it occurred belongs to none.
/// </summary>
public static class DigestMonthRule
{
    /// <summary>The month an update belongs to, or null when it belongs to none.</summary>
    public static DigestMonth? MonthOf(DateTimeOffset occurredAt, DateTimeOffset storedAt, Func<DigestMonth, DateTimeOffset?> cutoffOf, TimeSpan maxLate)
    {
        ArgumentNullException.ThrowIfNull(cutoffOf);
        if (storedAt - occurredAt > maxLate)
        {
            return null;
        }

        var month = DigestMonth.Containing(occurredAt);
        for (var step = 0; step <= LookBack(maxLate) + 1; step++, month = month.Next())
        {
            if (cutoffOf(month) is not { } cutoff || storedAt < cutoff)
            {
                return month;
            }

            if (month.IsLast)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>Whether an update belongs to the month it occurred in or was reported late to a later one.</summary>
    public static bool IsLate(DateTimeOffset occurredAt, DigestMonth month) => DigestMonth.Containing(occurredAt) < month;

    /// <summary>
    /// How many months back a month's late updates can have occurred: cutoffs are set only after a month has ended, so an
    /// update stored within <paramref name="maxLate"/> of occurring belongs at the latest to the month it was stored in.
    /// </summary>
    public static int LookBack(TimeSpan maxLate) => (int)Math.Ceiling(maxLate.TotalDays / 28) + 1;
}

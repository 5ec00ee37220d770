namespace Mellanrum.Hub.Digest;

/// <summary>A digest month as a UTC half-open interval [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record DigestPeriod(DigestMonth Month, DateTimeOffset From, DateTimeOffset To)
{
    public static DigestPeriod Of(DigestMonth month) =>
        new(
            month,
            Stockholm.StartOfMonthUtc(month.Year, month.Month),
            // Not month.Next(): the month after the last one there is (9997-12) is not a digest month, but it has a start.
            month.Month == 12 ? Stockholm.StartOfMonthUtc(month.Year + 1, 1) : Stockholm.StartOfMonthUtc(month.Year, month.Month + 1));

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;
}

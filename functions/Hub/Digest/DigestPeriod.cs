namespace Mellanrum.Hub.Digest;

/// <summary>A digest month as a UTC half-open interval [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record DigestPeriod(DigestMonth Month, DateTimeOffset From, DateTimeOffset To)
{
    public static DigestPeriod Of(DigestMonth month) =>
        new(month, Stockholm.StartOfMonthUtc(month.Year, month.Month), Stockholm.StartOfMonthUtc(month.Next().Year, month.Next().Month));

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;
}

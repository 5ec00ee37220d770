using System.Globalization;
using NodaTime;

namespace Mellanrum.Hub.Digest;

/// <summary>A calendar month in Stockholm time, written <c>yyyy-MM</c> as in <c>/digests/{yyyy-MM}</c>.</summary>
public readonly record struct DigestMonth : IComparable<DigestMonth>
{
    private static readonly string[] SwedishNames =
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

    private static readonly string[] EnglishNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>
    /// The last year a month may be in: a month's digest reads up to the end of the month after it, in Stockholm time,
    /// and <see cref="DateTimeOffset"/> ends with 9999, so the hub keeps a year's margin.
    /// </summary>
    public const int MaxYear = 9997;

    public DigestMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1900);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>The Swedish name, lower case as Swedish writes it: <c>mars 2026</c>.</summary>
    public string SwedishName => $"{SwedishNames[Month - 1]} {Year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The English name: <c>March 2026</c>.</summary>
    public string EnglishName => $"{EnglishNames[Month - 1]} {Year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The month's first and last instant (exclusive) in Stockholm time, as UTC.</summary>
    public DigestPeriod Period => DigestPeriod.Of(this);

    /// <summary>The month name in <c>sv</c> (the default) or <c>en</c>.</summary>
    public string NameIn(string? language) => DigestLanguage.IsEnglish(language) ? EnglishName : SwedishName;

    public DigestMonth Next() => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public DigestMonth Previous() => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    /// <summary>Whether this is 1900-01, the first month there is: nothing comes before it.</summary>
    public bool IsFirst => Year == 1900 && Month == 1;

    /// <summary>Whether this is 9997-12, the last month there is: nothing comes after it.</summary>
    public bool IsLast => Year == MaxYear && Month == 12;

    /// <summary>The Stockholm month an instant falls in.</summary>
    public static DigestMonth Containing(DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(Stockholm.Zone);
        return new(local.Year, local.Month);
    }

    public static DigestMonth Parse(string value) =>
        TryParse(value, out var month) ? month : throw new FormatException("A month is written yyyy-MM, e.g. 2026-03.");

    /// <summary>The failing field of a month that does not parse, for a problem answer.</summary>
    public static InvalidParameter Invalid(string? value) => new("month", "A month is written yyyy-MM, e.g. 2026-03, from 1900-01 to 9997-12.", Ids.Echo(value));

    /// <summary>Accepts exactly <c>yyyy-MM</c>.</summary>
    public static bool TryParse(string? value, out DigestMonth month)
    {
        month = default;
        if (value is not { Length: 7 } || value[4] != '-'
            || !int.TryParse(value.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(value.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || year < 1900 || year > MaxYear || number < 1 || number > 12)
        {
            return false;
        }

        month = new DigestMonth(year, number);
        return true;
    }

    public int CompareTo(DigestMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public static bool operator <(DigestMonth left, DigestMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(DigestMonth left, DigestMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(DigestMonth left, DigestMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DigestMonth left, DigestMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        $"{Year.ToString("D4", CultureInfo.InvariantCulture)}-{Month.ToString("D2", CultureInfo.InvariantCulture)}";
}

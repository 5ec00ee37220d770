using NodaTime;

namespace Mellanrum.Hub.Foundation;

/// <summary>Europe/Stockholm from the IANA database that ships with NodaTime: the one zone the hub reads local times and months in.</summary>
public static class Stockholm
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Stockholm"];

    public static DateTimeOffset StartOfMonthUtc(int year, int month) =>
        new LocalDate(year, month, 1).AtStartOfDayInZone(Zone).ToInstant().ToDateTimeOffset();

    public static LocalDate DateOf(DateTimeOffset instant) => Instant.FromDateTimeOffset(instant).InZone(Zone).Date;

    public static LocalDateTime LocalOf(DateTimeOffset instant) => Instant.FromDateTimeOffset(instant).InZone(Zone).LocalDateTime;

    public static DateTimeOffset ToUtc(LocalDateTime local) => local.InZoneLeniently(Zone).ToInstant().ToDateTimeOffset();
}

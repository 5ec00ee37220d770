using NodaTime;

namespace Mellanrum.Hub.Normalisation;

/// <summary>Why a time was not understood.</summary>
public enum TimeProblem
{
    None,
    Unreadable,
    SkippedLocalTime,
}

/// <summary>
/// Reads <c>occurredAt</c>: RFC 3339 with any offset (<c>Z</c>, <c>+01:00</c>, <c>-05:30</c>); a local time without
/// offset is Europe/Stockholm (tzdb): the hour skipped when summer time starts does not exist and is refused, the hour
/// repeated when it ends means its first (earlier) instant; a date alone is the start of that day in Stockholm.
/// A space or lower-case <c>t</c> may separate date and time, seconds and fractions are optional. Output is UTC.
/// </summary>
public static class OccurredAtParser
{
    public static readonly DateTimeZone Stockholm = Foundation.Stockholm.Zone;

    public static TimeProblem TryParse(ReadOnlySpan<char> s, out DateTimeOffset utc)
    {
        utc = default;
        s = s.Trim();
        if (s.Length < 10 || !Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month)
            || s[7] != '-' || !Digits(s, 8, 2, out var day) || year < 1900 || month is < 1 or > 12
            || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return TimeProblem.Unreadable;
        }

        if (s.Length == 10)
        {
            var start = Stockholm.AtStartOfDay(new LocalDate(year, month, day));
            utc = start.ToDateTimeOffset().ToUniversalTime();
            return TimeProblem.None;
        }

        if (s[10] is not ('T' or 't' or ' ') || s.Length < 16 || !Digits(s, 11, 2, out var hour) || s[13] != ':'
            || !Digits(s, 14, 2, out var minute) || hour > 23 || minute > 59)
        {
            return TimeProblem.Unreadable;
        }

        var i = 16;
        var second = 0;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!Digits(s, i + 1, 2, out second) || second > 59)
            {
                return TimeProblem.Unreadable;
            }

            i += 3;
            if (i < s.Length && s[i] is '.' or ',')
            {
                i++;
                var digits = 0;
                var scale = TimeSpan.TicksPerSecond;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    if (digits < 7)
                    {
                        scale /= 10;
                        fractionTicks += (s[i] - '0') * scale;
                    }

                    digits++;
                    i++;
                }

                if (digits == 0)
                {
                    return TimeProblem.Unreadable;
                }
            }
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        if (i == s.Length)
        {
            var mapping = Stockholm.MapLocal(LocalDateTime.FromDateTime(local));
            if (mapping.Count == 0)
            {
                return TimeProblem.SkippedLocalTime;
            }

            utc = mapping.First().ToDateTimeOffset().ToUniversalTime();
            return TimeProblem.None;
        }

        int offsetMinutes;
        if (s[i] is 'Z' or 'z' && i + 1 == s.Length)
        {
            offsetMinutes = 0;
        }
        else if (s[i] is '+' or '-' && s.Length == i + 6 && Digits(s, i + 1, 2, out var oh) && s[i + 3] == ':'
                 && Digits(s, i + 4, 2, out var om) && oh <= 23 && om <= 59)
        {
            offsetMinutes = (s[i] == '-' ? -1 : 1) * ((oh * 60) + om);
        }
        else
        {
            return TimeProblem.Unreadable;
        }

        var ticks = local.Ticks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return TimeProblem.Unreadable;
        }

        utc = new DateTimeOffset(ticks, TimeSpan.Zero);
        return TimeProblem.None;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var k = start; k < start + count; k++)
        {
            if (!char.IsAsciiDigit(s[k]))
            {
                return false;
            }

            value = (value * 10) + (s[k] - '0');
        }

        return true;
    }
}

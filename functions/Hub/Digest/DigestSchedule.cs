using NodaTime;

namespace Mellanrum.Hub.Digest;

/// <summary>
/// When the digest goes out: 07:00 Europe/Stockholm on the 1st of each month, for the previous month.
/// NCRONTAB runs in UTC, so the timer fires at both 05:00 and 06:00 UTC on the 1st and exactly one of
/// the two firings is 07:00 in Stockholm (05:00 in summer time, 06:00 in winter time). Summer time
/// starts and ends on the last Sunday of March and October, never on the 1st, so the rule holds all year.
/// </summary>
public static class DigestSchedule
{
    /// <summary>The timer's six-field NCRONTAB schedule (UTC), by default: the setting <c>HubDigestSchedule</c>.</summary>
    public static string Cron => TriggerSettings.Defaults[TriggerSettings.DigestSchedule];

    /// <summary>How many past months a catch-up sends at most.</summary>
    public const int MaxCatchUpMonths = 12;

    private static readonly LocalTime SendTime = new(7, 0);

    /// <summary>True for the firing that is the 07:00 hour on the 1st in Stockholm; the other firing does nothing.</summary>
    public static bool IsActingFiring(DateTimeOffset firedAt)
    {
        var local = Stockholm.LocalOf(firedAt);
        return local.Day == 1 && local.Hour == SendTime.Hour;
    }

    /// <summary>When a month's digest is due: 07:00 Stockholm on the 1st of the following month, as UTC.</summary>
    public static DateTimeOffset DueAt(DigestMonth month)
    {
        var next = month.Next();
        return Stockholm.ToUtc(new LocalDate(next.Year, next.Month, 1).At(SendTime));
    }

    /// <summary>The latest month whose digest is due at <paramref name="now"/>.</summary>
    public static DigestMonth LatestDue(DateTimeOffset now)
    {
        var candidate = DigestMonth.Containing(now).Previous();
        return DueAt(candidate) <= now ? candidate : candidate.Previous();
    }

    /// <summary>
    /// The months owed at <paramref name="now"/>, oldest first: every month after <paramref name="lastSent"/>
    /// whose digest is due, at most <see cref="MaxCatchUpMonths"/> (the most recent ones). With nothing sent yet,
    /// only the latest due month is owed (a new installation does not mail its history).
    /// </summary>
    public static IReadOnlyList<DigestMonth> MonthsOwed(DigestMonth? lastSent, DateTimeOffset now)
    {
        var latest = LatestDue(now);
        if (lastSent is not { } sent)
        {
            return [latest];
        }

        var owed = new List<DigestMonth>();
        for (var month = latest; month > sent && owed.Count < MaxCatchUpMonths; month = month.Previous())
        {
            owed.Add(month);
        }

        owed.Reverse();
        return owed;
    }
}

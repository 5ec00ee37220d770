using System.Globalization;

namespace Mellanrum.Hub.Foundation;

/// <summary>Row keys that sort newest first: inverted ticks, fixed width.</summary>
public static class ReverseChronological
{
    public static string Key(DateTimeOffset time) => (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}

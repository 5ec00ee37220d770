using System.Diagnostics;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>Waiting for a condition that another process or a background service makes true (never a fixed sleep).</summary>
public static class Until
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(25);
        }
    }
}

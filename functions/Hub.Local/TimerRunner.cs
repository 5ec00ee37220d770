using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Local;

/// <summary>Runs one timer-triggered function on its six-field NCRONTAB schedule in UTC, never twice at once.</summary>
public sealed class TimerRunner(
    FunctionDescriptor function,
    string schedule,
    FunctionInvoker invoker,
    TimeProvider time,
    ILogger<TimerRunner> logger) : BackgroundService
{
    private readonly CronExpression _cron = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);

    public string Schedule => schedule;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = time.GetUtcNow();
        if (function.Trigger is Trigger.Timer { RunOnStartup: true })
        {
            await RunAsync(null, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _cron.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            var wait = next.Value - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await RunAsync(last, stoppingToken);
            last = next.Value;
        }
    }

    private async Task RunAsync(DateTimeOffset? last, CancellationToken stoppingToken)
    {
        var info = new TimerInfo
        {
            ScheduleStatus = new ScheduleStatus { Last = last?.UtcDateTime ?? default, Next = _cron.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc)?.UtcDateTime ?? default },
        };
        try
        {
            await invoker.InvokeAsync(function, info, new Dictionary<string, object?>(), stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(e, "Timer function {Function} failed", function.Name);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Reliability;

/// <summary>The soak's settings: how many updates, how many at once, over how many collaborations, and the faults injected in every client of the hub.</summary>
internal sealed record SoakOptions
{
    public int Updates { get; init; } = 1000;

    public int Concurrency { get; init; } = 8;

    public int Collaborations { get; init; } = 50;

    public double FaultRate { get; init; } = 0.10;

    public double LatencyRate { get; init; } = 0.05;

    public TimeSpan Latency { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long, after the last post, every partner may take to hold every update and the hub to go quiet.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(10);

    public static SoakOptions Parse(string[] args, SoakOptions? defaults = null)
    {
        var options = defaults ?? new SoakOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--updates" => options with { Updates = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--collaborations" => options with { Collaborations = int.Parse(value, CultureInfo.InvariantCulture) },
                "--faults" => options with { FaultRate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--latency-rate" => options with { LatencyRate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--latency" => options with { Latency = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "--patience" => options with { Patience = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}: use --updates, --concurrency, --collaborations, --faults, --latency-rate, --latency, --patience."),
            };
        }

        return options;
    }
}

/// <summary>One partner channel's figures: what it should hold, what it holds, the duplicates (by CloudEvent id) and the late arrivals (out of sequence order).</summary>
internal sealed record InboxFigures(string PartnerId, string Channel, int Expected, int Received, int Distinct, int Missing, int Duplicates, int Unverified, int Late, IReadOnlyList<(string Id, int Count)> Examples)
{
    public double DuplicateShare => Expected == 0 ? 0 : (double)Duplicates / Expected;

    public static IReadOnlyList<InboxFigures> Of(IEnumerable<PartnerInbox> inboxes, IReadOnlyCollection<string> expected, IReadOnlyDictionary<string, (string Collaboration, long Sequence)> sequences) =>
        [.. inboxes.Select(inbox =>
        {
            var late = 0;
            var highest = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var id in inbox.FirstArrivals)
            {
                if (!sequences.TryGetValue(id, out var place))
                {
                    continue;
                }

                if (highest.TryGetValue(place.Collaboration, out var high) && place.Sequence < high)
                {
                    late++;
                }
                else
                {
                    highest[place.Collaboration] = place.Sequence;
                }
            }

            var duplicated = inbox.Duplicated;
            return new InboxFigures(inbox.PartnerId, inbox.Channel, expected.Count, inbox.Received, inbox.Distinct, expected.Count(id => !inbox.Holds(id)), inbox.Duplicates, inbox.Unverified, late, [.. duplicated.Take(5)]);
        })];
}

/// <summary>What the hub logged, counted: warnings, errors and the first few errors.</summary>
internal interface IHubLogFigures
{
    int Warnings { get; }

    int Errors { get; }

    IReadOnlyList<string> FirstErrors { get; }
}

/// <summary>What the chaos strategies injected (null when the hub ran in its own process and could not tell).</summary>
internal sealed record ChaosFigures(long Faults, long Latencies, long Outcomes);

/// <summary>Everything a soak (or a kill drill) measured; <paramref name="Events"/> are the drill's kills and restarts.</summary>
internal sealed record SoakResult(SoakOptions Options, IReadOnlyList<PostOutcome> Posts, StoredFigures Stored, IReadOnlyList<InboxFigures> Inboxes, TimeSpan Posted, TimeSpan Delivered, TimeSpan Quiet, IHubLogFigures Logs, ChaosFigures? Chaos, IReadOnlyList<string> Events)
{
    public int Accepted => Posts.Count(p => p.Accepted);

    /// <summary>The run as Markdown: the lines docs/reliability.md shows.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        var o = Options;
        text.AppendLine(CultureInfo.InvariantCulture, $"Soak: {o.Updates:N0} updates, {o.Concurrency} in flight, {o.Collaborations} collaborations, {SoakWorld.Partners.Count} partners ({Inboxes.Count} channels); chaos in every client of the hub: {o.FaultRate:P0} faults, {o.LatencyRate:P0} latency of {o.Latency.TotalSeconds:0.#} s.");
        if (Chaos is { } chaos)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- Injected: {chaos.Faults:N0} faults and {chaos.Latencies:N0} latencies of {o.Latency.TotalSeconds:0.#} s (counted by the chaos strategies, in storage, Service Bus and webhook calls, the Azure SDK's own retries included).");
        }

        foreach (var line in Events)
        {
            text.AppendLine("- " + line);
        }

        var created = Posts.Count(p => p.Status == 202);
        text.AppendLine(CultureInfo.InvariantCulture, $"- Answered: {Accepted:N0} of {Posts.Count:N0} with a 2xx ({created:N0} `202`, {Accepted - created:N0} `200` duplicate, that is a retry of a post already stored) after {Posts.Sum(p => p.Attempts):N0} posts; {Posts.Sum(p => p.ServerErrors):N0} answered 5xx and {Posts.Sum(p => p.TransportErrors):N0} failed in transport, each tried again by the source; {Posts.Count(p => !p.Accepted):N0} never answered 2xx.");
        var s = Stored;
        text.AppendLine(CultureInfo.InvariantCulture, $"- Stored: {s.Stored:N0} of {s.Accepted:N0} answered 2xx, {(s.ExactlyOnce ? "each exactly once" : "NOT exactly once")} (not stored {s.NotStored.Count}, unexpected {s.Unexpected}, timeline missing/extra {s.TimelineMissing}/{s.TimelineExtra}, day index missing/extra {s.ByDayMissing}/{s.ByDayExtra}, without a sequence {s.WithoutSequence}, repeated sequences {s.SequenceRepeats}, collaboration counts off {s.CountMismatches}); sequence gaps {s.SequenceGaps}; fan-out not done {s.FanoutNotDone}, outbox rows left {s.OutboxLeft}, dead letters {s.DeadLetters}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Time: posted in {Posted.TotalSeconds:F0} s; every partner held every update after {Delivered.TotalSeconds:F0} s; the hub was quiet (outbox, queues and held deliveries empty, partner queues read) after {Quiet.TotalSeconds:F0} s. The hub logged {Logs.Warnings:N0} warnings and {Logs.Errors:N0} errors.");
        text.AppendLine();
        text.AppendLine("| partner | channel | expected | received | distinct | missing | duplicates | duplicate % | late (out of order) |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var i in Inboxes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{i.PartnerId}` | {i.Channel} | {i.Expected:N0} | {i.Received:N0} | {i.Distinct:N0} | {i.Missing} | {i.Duplicates} | {i.DuplicateShare:P2} | {i.Late} |");
        }

        var all = Inboxes.Sum(i => i.Expected);
        text.AppendLine(CultureInfo.InvariantCulture, $"| all | | {all:N0} | {Inboxes.Sum(i => i.Received):N0} | {Inboxes.Sum(i => i.Distinct):N0} | {Inboxes.Sum(i => i.Missing)} | {Inboxes.Sum(i => i.Duplicates)} | {(all == 0 ? 0 : (double)Inboxes.Sum(i => i.Duplicates) / all):P2} | {Inboxes.Sum(i => i.Late)} |");
        var examples = Inboxes.Where(i => i.Examples.Count > 0).Select(i => $"{i.PartnerId}/{i.Channel}: {string.Join(", ", i.Examples.Select(e => $"{e.Id} x{e.Count}"))}").ToArray();
        if (examples.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("Duplicates, by CloudEvent id (the first five per channel):");
            foreach (var line in examples)
            {
                text.AppendLine("- " + line);
            }
        }

        if (Logs.FirstErrors.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("First errors the hub logged:");
            foreach (var line in Logs.FirstErrors)
            {
                text.AppendLine("- " + line);
            }
        }

        return text.ToString();
    }
}

/// <summary>Counts the hub's warnings and errors (and keeps the first few errors) instead of printing thousands of lines under chaos.</summary>
internal sealed class LogCounter : ILoggerProvider, IHubLogFigures
{
    private readonly ConcurrentQueue<string> _errors = new();
    private int _warnings;
    private int _errorCount;

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errorCount);

    public IReadOnlyList<string> FirstErrors => [.. _errors];

    public ILogger CreateLogger(string categoryName) => new Counting(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Counting(LogCounter counter, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref counter._warnings);
            }
            else if (logLevel >= LogLevel.Error)
            {
                if (Interlocked.Increment(ref counter._errorCount) <= 10)
                {
                    counter._errors.Enqueue($"{category}: {formatter(state, exception)}{(exception is null ? string.Empty : " (" + exception.GetType().Name + ")")}");
                }
            }
        }
    }
}

using System.Globalization;
using System.Text;

namespace Mellanrum.Hub.Benchmarks.Fanout;

/// <summary>The load run's arguments: <c>--updates N --concurrency C --collaborations K --docs true|false --label text</c>.</summary>
public sealed record LoadRunOptions(int Updates, int Concurrency, int Collaborations, bool WriteDocs, string? Label)
{
    public static LoadRunOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new LoadRunOptions(
            Int("updates", 2000),
            Int("concurrency", 32),
            Int("collaborations", 64),
            !values.TryGetValue("docs", out var docs) || bool.Parse(docs),
            values.GetValueOrDefault("label"));
    }
}

/// <summary>What the fan-out part measured: latencies (ms, sorted) from POST start to the last partner queue holding the event.</summary>
public sealed record FanoutResult(int Updates, TimeSpan PostedIn, TimeSpan Total, double[] LatenciesMs)
{
    public double UpdatesPerSecond => Updates / Total.TotalSeconds;

    public double Percentile(double p) => LatenciesMs[Math.Clamp((int)Math.Ceiling(p * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];
}

public sealed record LoadRunReport(LoadRunOptions Options, double RawSendsPerSecond, FanoutResult Fanout, string Label, string Machine)
{
    public const int Partners = 5;

    public const string TableHeader = "| Run | Updates | In flight | Updates/s | Delivered events/s | p50 ms | p95 ms | max ms | Raw queue sends/s | Ratio |";

    public const string TableRule = "|-----|--------:|----------:|----------:|-------------------:|-------:|-------:|-------:|------------------:|------:|";

    public double DeliveredPerSecond => Fanout.UpdatesPerSecond * Partners;

    public double Ratio => DeliveredPerSecond / RawSendsPerSecond;

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Label} | {Fanout.Updates} | {Options.Concurrency} | {Fanout.UpdatesPerSecond:F0} | {DeliveredPerSecond:F0} | {Fanout.Percentile(0.50):F0} | {Fanout.Percentile(0.95):F0} | {Fanout.LatenciesMs[^1]:F0} | {RawSendsPerSecond:F0} | {Ratio:F2} |");

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(TableHeader).AppendLine(TableRule).AppendLine(Row());
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Posting took {Fanout.PostedIn.TotalSeconds:F1} s, the last event reached its last partner queue after {Fanout.Total.TotalSeconds:F1} s; {Machine}."));
        return text.ToString();
    }
}

/// <summary>
/// Writes the run into <c>docs/performance.md</c>: adds a row to the table of the "Fan-out (end to end)" section, keeping
/// the section's prose and earlier rows, and every other section as it is. Creates the section when missing.
/// </summary>
public static class PerformanceDoc
{
    public static void WriteSection(string path, LoadRunReport report)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# Performance"];
        var start = lines.FindIndex(l => l.Trim() == FanoutLoadRun.SectionTitle);
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Length > 0)
            {
                lines.Add(string.Empty);
            }

            lines.AddRange(NewSection(report));
            File.WriteAllText(path, string.Join('\n', lines) + "\n");
            return;
        }

        var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        end = end < 0 ? lines.Count : end;
        var header = lines.FindIndex(start, end - start, l => l.Trim() == LoadRunReport.TableHeader);
        if (header < 0)
        {
            lines.InsertRange(end, ["", LoadRunReport.TableHeader, LoadRunReport.TableRule, report.Row(), ""]);
        }
        else
        {
            var last = header + 1;
            while (last + 1 < end && lines[last + 1].StartsWith('|'))
            {
                last++;
            }

            lines.Insert(last + 1, report.Row());
        }

        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static IEnumerable<string> NewSection(LoadRunReport report) =>
    [
        FanoutLoadRun.SectionTitle,
        "",
        "What it measures: Azurite in memory and Hub.Local in-process (the real functions, queue pollers as host.json sets them),",
        "N updates posted over HTTP with a source key, each routed to 5 partners with a `queue` channel (participants), until",
        "every partner queue holds every event. Latency is from the start of the POST to the moment the event was first seen",
        "on the last of the 5 partner queues. The baseline is the raw Azurite queue send rate (`QueueClient.SendMessageAsync`,",
        "1 KB messages, the same concurrency) measured in the same run; the ratio is delivered events/s : raw sends/s.",
        "Source: `tests/Hub.Benchmarks/Fanout/`.",
        "",
        "Command:",
        "",
        "```sh",
        $"dotnet run -c Release --project tests/Hub.Benchmarks -- fanout --updates {report.Fanout.Updates}",
        "```",
        "",
        $"Machine: {report.Machine}, shared with other builds.",
        "",
        LoadRunReport.TableHeader,
        LoadRunReport.TableRule,
        report.Row(),
    ];
}

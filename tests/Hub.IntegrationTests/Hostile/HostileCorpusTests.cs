using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>Runs alone, so that the process's memory is the corpus's (Hub.Local runs in this process).</summary>
[CollectionDefinition(nameof(HostileCorpusTests), DisableParallelization = true)]
public sealed class HostileCorpusCollection;

/// <summary>
/// "Nothing lost, nothing doubled, never a 5xx": the hostile corpus (<see cref="HostileCorpus"/>) over real HTTP
/// against Hub.Local on Azurite. Every bad request is answered with the 4xx its case names (or any 4xx, for a path
/// trick), as <c>application/problem+json</c> with type, title, status and detail; Kestrel's own refusals included.
/// None is a 5xx, none hangs, and the process's memory stays bounded while a gzip bomb, 10 GiB declared and 10,000
/// levels of JSON go by.
/// </summary>
[Collection(nameof(HostileCorpusTests))]
public sealed class HostileCorpusTests(HostileHubFixture hub, ITestOutputHelper output) : IClassFixture<HostileHubFixture>
{
    /// <summary>Most the managed heap may have grown once the corpus is done and collected.</summary>
    private const long MaxHeapGrowth = 48L * 1024 * 1024;

    /// <summary>Most the process's working set may rise above where it started, at any moment of the run.</summary>
    private const long MaxWorkingSetRise = 256L * 1024 * 1024;

    /// <summary>No answer may take longer (a slow body is cut after Kestrel's 5 s grace; a slow header after 5 s here).</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    private HostileCorpus Corpus() => new(hub.World, HttpRoute.FromMetadata());

    [Fact]
    public void Corpus_CoversEveryHttpRouteOfFunctionsMetadata_WithPathTricksMethodsAndKeys()
    {
        var routes = HttpRoute.FromMetadata();
        var corpus = Corpus();
        var cases = corpus.Quick().Concat(corpus.Slow()).ToArray();
        Assert.NotEmpty(routes);
        foreach (var route in routes)
        {
            var mine = cases.Where(c => c.Route == route.Template).ToArray();
            Assert.Contains(mine, c => c.Category == HostileCorpus.PathTricks);
            Assert.Contains(mine, c => c.Category == HostileCorpus.Methods);
            foreach (var segment in route.Segments)
            {
                Assert.Contains(mine, c => c.Category == HostileCorpus.PathTricks && c.Name.StartsWith($"{route.Function} {{{segment}}}", StringComparison.Ordinal));
            }

            if (route.IsAdmin)
            {
                foreach (var method in route.Methods)
                {
                    Assert.Contains(mine, c => c.Category == HostileCorpus.AdminKeys && c.Name.StartsWith($"{method} {route.Template}:", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public async Task Corpus_EveryBadRequest_IsA4xxProblem_NeverA5xxOrAHang_InBoundedMemory()
    {
        var corpus = Corpus();
        var slow = corpus.Slow();
        var quick = corpus.Quick();
        using var unvalidated = new HttpClient { BaseAddress = hub.BaseAddress, Timeout = AnswerWithin };

        var (heapBefore, workingSetBefore) = Memory();
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakWorkingSetAsync(sampling.Token);
        var watch = Stopwatch.StartNew();

        var failures = new ConcurrentBag<string>();
        var seconds = new ConcurrentDictionary<HostileCase, double>();
        var answers = new ConcurrentDictionary<HostileCase, string>();
        async Task RunAsync(HostileCase hostile)
        {
            var started = watch.Elapsed;
            try
            {
                var answer = await SendAsync(hostile, unvalidated);
                answers[hostile] = $"{answer.Status} {answer.MediaType} {Cut(answer.Body)}";
                foreach (var failure in hostile.Expect.Failures(answer))
                {
                    failures.Add($"[{hostile.Category}] {hostile.Name}: {failure}. Body: {Cut(answer.Body)}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"[{hostile.Category}] {hostile.Name}: no answer ({e.GetType().Name}: {Cut(e.Message)})");
            }

            seconds[hostile] = (watch.Elapsed - started).TotalSeconds;
        }

        // The slow ones side by side in the background; the rest four at a time meanwhile.
        var slowRun = Task.WhenAll(slow.Select(RunAsync));
        await Parallel.ForEachAsync(quick, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (hostile, _) => await RunAsync(hostile));
        await slowRun;
        var elapsed = watch.Elapsed;

        await sampling.CancelAsync();
        var peakWorkingSet = await peak;
        var (heapAfter, workingSetAfter) = Memory();

        var all = slow.Concat(quick).ToArray();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{all.Length} requests in {elapsed.TotalSeconds:F1} s; slowest {seconds.Values.Max():F1} s");
        foreach (var category in all.GroupBy(c => c.Category).OrderByDescending(g => g.Count()))
        {
            var statuses = string.Join(", ", category.Select(c => c.Expect.Statuses is { } s ? string.Join("/", s.Order()) : "4xx").GroupBy(s => s).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"));
            report.AppendLine(CultureInfo.InvariantCulture, $"  {category.Key}: {category.Count()} ({statuses})");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"managed heap {Mib(heapBefore)} -> {Mib(heapAfter)} MiB; working set {Mib(workingSetBefore)} -> {Mib(workingSetAfter)} MiB, peak {Mib(peakWorkingSet)} MiB");
        output.WriteLine(report.ToString());
        await File.WriteAllTextAsync(Path.Combine(TestOutput.Folder("hostile"), "corpus.txt"), report.ToString());
        await File.WriteAllLinesAsync(Path.Combine(TestOutput.Folder("hostile"), "answers.txt"), all.Select(c => $"[{c.Category}] {c.Name} => {answers.GetValueOrDefault(c, "(none)")}"));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {all.Length} answers were not what a user must see:\n" + string.Join('\n', failures.Order(StringComparer.Ordinal)));
        Assert.True(all.Length >= 150, $"only {all.Length} cases");
        Assert.All(all.GroupBy(c => c.Category), g => Assert.True(g.Count() >= 8, $"{g.Key}: only {g.Count()} cases"));
        Assert.True(seconds.Values.Max() < AnswerWithin.TotalSeconds, "an answer came too late");
        Assert.True(heapAfter - heapBefore < MaxHeapGrowth, $"the managed heap grew by {Mib(heapAfter - heapBefore)} MiB (at most {Mib(MaxHeapGrowth)})");
        Assert.True(peakWorkingSet - workingSetBefore < MaxWorkingSetRise, $"the working set rose by {Mib(peakWorkingSet - workingSetBefore)} MiB (at most {Mib(MaxWorkingSetRise)})");
    }

    private async Task<Answer> SendAsync(HostileCase hostile, HttpClient unvalidated)
    {
        switch (hostile.Send)
        {
            case HostileSend.Raw raw:
                var rawAnswer = await RawHttp.SendAsync(hub.BaseAddress, raw.Head, raw.Body, AnswerWithin, raw.HeadRequest);
                return new Answer(rawAnswer.Status, rawAnswer.MediaType, rawAnswer.Headers, Encoding.UTF8.GetString(rawAnswer.Body), raw.HeadRequest);
            case HostileSend.Client client:
                using (var request = client.Request())
                using (var deadline = new CancellationTokenSource(AnswerWithin))
                {
                    using var response = await (client.Validated ? hub.Client : unvalidated).SendAsync(request, deadline.Token);
                    var headers = response.Headers.Concat(response.Content.Headers).Select(h => KeyValuePair.Create(h.Key, string.Join(", ", h.Value))).ToArray();
                    return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, await response.Content.ReadAsStringAsync(deadline.Token), request.Method == HttpMethod.Head);
                }

            default:
                throw new InvalidOperationException(hostile.Send.GetType().Name);
        }
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static async Task<long> SamplePeakWorkingSetAsync(CancellationToken stop)
    {
        using var process = Process.GetCurrentProcess();
        var peak = 0L;
        while (!stop.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return peak;
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture);

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

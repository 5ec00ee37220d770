using System.Text.Json;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>One function as the SDK wrote it into <c>functions.metadata</c> at build time: its trigger, unresolved.</summary>
public sealed record WrittenFunction(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods, string? QueueName, string? Schedule)
{
    public override string ToString() =>
        $"{Name}: " + string.Join(' ', new[] { TriggerType, string.Join(',', Methods), Route ?? QueueName ?? Schedule }.Where(p => !string.IsNullOrEmpty(p)));

    public bool IsAdmin => Route?.StartsWith("api/v1/admin/", StringComparison.Ordinal) == true;

    /// <summary>The route with each <c>{parameter}</c> (constraints dropped) replaced by <paramref name="value"/>(parameter name).</summary>
    public string Path(Func<string, string> value) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(Route!, "{([^}:?]+)[^}]*}", m => value(m.Groups[1].Value));
}

/// <summary>
/// The <c>functions.metadata</c> the SDK wrote into Hub.Functions' build output: the list the theories run over, so the
/// test count grows with the functions.
/// </summary>
public static class FunctionsMetadata
{
    private static readonly Lazy<IReadOnlyList<WrittenFunction>> Written = new(Read);

    public static IReadOnlyList<WrittenFunction> All => Written.Value;

    public static WrittenFunction Named(string name) => All.Single(f => f.Name == name);

    public static TheoryData<string> Names() => Data(All.Select(f => f.Name));

    private static TheoryData<string> Data(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static IReadOnlyList<WrittenFunction> Read()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(WorkerFixture.WorkerDirectory, "functions.metadata")));
        return document.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var value) ? value.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            return new WrittenFunction(f.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!, Text("route"), methods, Text("queueName"), Text("schedule"));
        }).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
    }
}

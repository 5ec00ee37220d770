using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>One HTTP function as the Functions SDK wrote it into <c>functions.metadata</c> at build time.</summary>
public sealed partial record HttpRoute(string Function, string Template, IReadOnlyList<string> Methods)
{
    /// <summary>The route's <c>{segments}</c>, in order.</summary>
    public IReadOnlyList<string> Segments { get; } = Segment().Matches(Template).Select(m => m.Groups[1].Value).ToArray();

    public bool IsAdmin => Template.StartsWith("api/v1/admin/", StringComparison.Ordinal);

    /// <summary>
    /// Every HTTP function of the build (the same file <c>ParityTests</c> holds Hub.Local to), so that a route added
    /// tomorrow is in the corpus without anyone listing it.
    /// </summary>
    public static IReadOnlyList<HttpRoute> FromMetadata()
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => new HttpRoute(
                f.Name,
                f.Trigger.GetProperty("route").GetString()!,
                f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray()))
            .OrderBy(r => r.Template, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The path with every segment filled, <paramref name="replaced"/> by <paramref name="value"/> (already escaped as it is to be sent).</summary>
    public string Path(Func<string, string> valueOf, string? replaced = null, string? value = null) =>
        "/" + Segment().Replace(Template, m => m.Groups[1].Value == replaced ? value! : Uri.EscapeDataString(valueOf(m.Groups[1].Value)));

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Segment();
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mellanrum.Hub.IntegrationTests.Telemetry;

/// <summary>One trace's spans as a tree (children in start order), rendered with names, kinds, durations and the hub's attributes.</summary>
public static class TraceTree
{
    /// <summary>The tree without the storage calls (the Azure SDK's table and queue spans and their HTTP requests).</summary>
    public static string RenderWithoutStorage(IReadOnlyCollection<Activity> spans) =>
        Render(spans.Where(s => !s.Source.Name.StartsWith("Azure.Data.Tables", StringComparison.Ordinal)
            && !s.Source.Name.StartsWith("Azure.Storage", StringComparison.Ordinal)
            && s.Source.Name != "Azure.Core.Http").ToArray());

    public static string Render(IReadOnlyCollection<Activity> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.Where(s => ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
        var text = new StringBuilder();
        foreach (var root in spans.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartTimeUtc))
        {
            text.Append("trace ").Append(root.TraceId.ToHexString()).Append(root.ParentSpanId == default ? string.Empty : $" (parent span {root.ParentSpanId.ToHexString()}, the caller's)").AppendLine();
            Write(text, root, children, string.Empty, last: true);
        }

        return text.ToString();
    }

    private static void Write(StringBuilder text, Activity span, ILookup<ActivitySpanId, Activity> children, string indent, bool last)
    {
        text.Append(indent).Append(last ? "└─ " : "├─ ").Append(span.DisplayName)
            .Append(" [").Append(span.Kind).Append(", ").Append(span.Source.Name).Append("] ")
            .Append(span.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" ms");
        var tags = span.TagObjects.Where(t => t.Key.StartsWith("hub.", StringComparison.Ordinal) || t.Key is "http.response.status_code" or "messaging.destination.name").ToArray();
        if (tags.Length > 0)
        {
            text.Append("  ").AppendJoin(' ', tags.Select(t => $"{t.Key}={t.Value}"));
        }

        if (span.Links.Any())
        {
            text.Append("  links: ").AppendJoin(", ", span.Links.Select(l => l.Context.TraceId.ToHexString()));
        }

        text.AppendLine();
        var mine = children[span.SpanId].OrderBy(s => s.StartTimeUtc).ToArray();
        for (var i = 0; i < mine.Length; i++)
        {
            Write(text, mine[i], children, indent + (last ? "   " : "│  "), i == mine.Length - 1);
        }
    }
}

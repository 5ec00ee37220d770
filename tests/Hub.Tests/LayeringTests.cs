using System.Reflection;
using System.Text.RegularExpressions;
using Mellanrum.Hub.Foundation;
using NetArchTest.Rules;

namespace Mellanrum.Hub.Tests;

/// <summary>
/// The layers of <c>functions/Hub</c>, stated as code (docs/architecture.md explains them). A folder may use its own
/// layer (when that forms no cycle) and every layer below; never one above. Checked twice: in the compiled assembly
/// (every type reference, NetArchTest) and in the source (every <c>using</c> and qualified name, so an upward
/// <c>using</c> fails even before anything uses it).
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Bottom to top.</summary>
    public static readonly IReadOnlyList<string[]> Layers =
    [
        ["Foundation"],
        ["Organisations", "Updates"],
        ["Normalisation", "Collaborations"],
        ["Sources", "Partners"],
        ["Ingest", "Delivery", "Digest", "Register"],
        ["Portal"],
        ["Hosting"],
    ];

    private static readonly Assembly Hub = typeof(HubJson).Assembly;

    private static int LayerOf(string folder)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].Contains(folder))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"functions/Hub/{folder} is in no layer: add it to {nameof(LayeringTests)}.{nameof(Layers)} (and docs/architecture.md).");
    }

    public static TheoryData<string> Folders() => [.. Layers.SelectMany(l => l)];

    [Theory]
    [MemberData(nameof(Folders))]
    public void Assembly_FolderUsesNoHigherLayer(string folder)
    {
        var higher = Layers.Skip(LayerOf(folder) + 1).SelectMany(l => l).Select(f => $"Mellanrum.Hub.{f}").ToArray();

        var result = Types.InAssembly(Hub).That().ResideInNamespace($"Mellanrum.Hub.{folder}").Should().NotHaveDependencyOnAny(higher).GetResult();

        Assert.True(result.IsSuccessful, $"{folder} reaches up into {string.Join(", ", higher)}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Assembly_FoldersFormNoCycle()
    {
        var folders = Layers.SelectMany(l => l).ToArray();
        var uses = folders.ToDictionary(f => f, f => folders.Where(g => g != f && DependsOn(f, g)).ToArray());

        Assert.Equal([], Cycles(uses));
    }

    [Fact]
    public void Source_FolderUsesNoHigherLayer_AndNoFolderCycle()
    {
        var uses = SourceDependencies();
        var upward = uses.SelectMany(u => u.Value.Where(target => LayerOf(target) > LayerOf(u.Key)).Select(target => $"{u.Key} -> {target}")).ToArray();

        Assert.Equal([], upward);
        Assert.Equal([], Cycles(uses));
    }

    /// <summary>The application knows nothing of HTTP or the Functions worker: requests bind, and answers map, at the edge (Hub.Functions).</summary>
    [Fact]
    public void Assembly_HubIsFreeOfHttpAndTriggerPlumbing()
    {
        var result = Types.InAssembly(Hub).Should()
            .NotHaveDependencyOnAny("Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Mvc", "Microsoft.Azure.Functions.Worker")
            .GetResult();

        Assert.True(result.IsSuccessful, "HTTP or trigger types in the application: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>The test itself: a folder that reaches upward is found (the check is not vacuous).</summary>
    [Fact]
    public void Cycles_FindsAnUpwardPairAsACycle()
    {
        var uses = new Dictionary<string, string[]> { ["Updates"] = ["Foundation", "Ingest"], ["Ingest"] = ["Updates"], ["Foundation"] = [] };

        Assert.Equal(["Ingest -> Updates -> Ingest"], Cycles(uses));
    }

    private static bool DependsOn(string folder, string other) =>
        !Types.InAssembly(Hub).That().ResideInNamespace($"Mellanrum.Hub.{folder}").Should().NotHaveDependencyOn($"Mellanrum.Hub.{other}").GetResult().IsSuccessful;

    /// <summary>Folder to the folders its source files name, by <c>using</c> or by a qualified name.</summary>
    private static Dictionary<string, string[]> SourceDependencies()
    {
        var root = Path.Combine(Foundation.Repository.Root, "functions", "Hub");
        var folders = Layers.SelectMany(l => l).ToHashSet();
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "bin" or "obj")
            {
                continue;
            }

            var folder = relative[0];
            _ = LayerOf(folder);
            var targets = result.TryGetValue(folder, out var set) ? set : result[folder] = [];
            foreach (Match match in HubNamespace().Matches(File.ReadAllText(file)))
            {
                var target = match.Groups[1].Value;
                if (target != folder && folders.Contains(target))
                {
                    targets.Add(target);
                }
            }
        }

        return result.ToDictionary(r => r.Key, r => r.Value.Order().ToArray());
    }

    /// <summary>Every cycle among folders, each written from its smallest name (empty when there is none).</summary>
    private static string[] Cycles(IReadOnlyDictionary<string, string[]> uses)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var start in uses.Keys)
        {
            var path = new List<string> { start };
            Walk(start);

            void Walk(string at)
            {
                foreach (var next in uses.TryGetValue(at, out var n) ? n : [])
                {
                    if (next == start)
                    {
                        var cycle = path.ToList();
                        var smallest = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                        var rotated = cycle.Skip(smallest).Concat(cycle.Take(smallest)).ToList();
                        found.Add(string.Join(" -> ", rotated.Append(rotated[0])));
                    }
                    else if (!path.Contains(next))
                    {
                        path.Add(next);
                        Walk(next);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }

        return [.. found];
    }

    [GeneratedRegex(@"\bMellanrum\.Hub\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex HubNamespace();
}

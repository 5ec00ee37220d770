using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Mellanrum.Hub.Pages.Shell;

/// <summary>One file the pages use (style sheet, script), embedded in this assembly and served by the hub itself.</summary>
public sealed record PageAsset(string Name, string ContentType, ReadOnlyMemory<byte> Content, string Version)
{
    /// <summary>A strong ETag: the content's hash.</summary>
    public string ETag => $"\"{Version}\"";
}

/// <summary>
/// The pages' assets, read once from the assembly's resources. Each is linked with its content hash as <c>?v=</c>, so a
/// browser may keep it for a year and a new release is fetched at once.
/// </summary>
public static class PageAssets
{
    private const string Prefix = "Mellanrum.Hub.Pages.Assets.";

    private static readonly FrozenDictionary<string, PageAsset> All = Load();

    public static IReadOnlyCollection<string> Names => All.Keys;

    /// <summary>The asset's address with its version: <c>/assets/{name}?v={hash}</c>.</summary>
    public static string Url(string name) =>
        All.TryGetValue(name, out var asset) ? $"/assets/{name}?v={asset.Version}" : throw new ArgumentException($"No page asset {name}.", nameof(name));

    public static PageAsset? Find(string name) => All.GetValueOrDefault(name);

    private static FrozenDictionary<string, PageAsset> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var assets = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..];
            assets[name] = new PageAsset(name, ContentType(name), bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };
}

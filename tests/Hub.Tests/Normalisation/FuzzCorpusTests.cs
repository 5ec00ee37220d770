using System.Text.Json;
using Mellanrum.Hub.Normalisation;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Normalisation;

/// <summary>Replays the fuzz corpus (tests/Hub.Fuzz/corpus) through the normaliser on every test run.</summary>
public sealed class FuzzCorpusTests
{
    private static readonly MappingProfile Profile = new(
        new Dictionary<string, string> { ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik", ["occurredAt"] = "/datum", ["participants"] = "/kommuner" },
        new Dictionary<string, IReadOnlyDictionary<string, string>> { ["kind"] = new Dictionary<string, string> { ["Beslut"] = "decision" } });

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusFolder()).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Corpus_Folder_HoldsAtLeastTwentyFiles()
    {
        Assert.True(CorpusFiles().Count >= 20);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Normalise_CorpusFile_GivesAnUpdateOrErrorsWithoutThrowing(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(CorpusFolder(), name));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return; // unreadable JSON is the ingest layer's 400, before normalisation
        }

        using (document)
        {
            foreach (var profile in (MappingProfile?[])[null, Profile])
            {
                var result = Normaliser.Normalise(document.RootElement, Context(profile));
                Assert.True(result.IsValid ^ result.Errors.Count > 0);
                Assert.Equal(result.IsValid, result.Update is not null);
            }
        }
    }

    private static string CorpusFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("Hub.sln not found above the test output."), "tests", "Hub.Fuzz", "corpus");
    }
}

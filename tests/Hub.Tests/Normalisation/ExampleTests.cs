using System.Text.Json;
using System.Text.Json.Nodes;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Normalisation;

/// <summary>Each file under Examples/ holds a payload, the profile if any, and the update or errors a sender should see.</summary>
public sealed class ExampleTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Normalisation", "Examples");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void Examples_Folder_HoldsAtLeastFortyExamples()
    {
        Assert.True(Directory.GetFiles(Folder, "*.json").Length >= 40);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Normalise_Example_GivesTheExpectedUpdateOrErrors(string example)
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, example + ".json")))!.AsObject();
        var profile = file["profile"]?.Deserialize<MappingProfile>(HubJson.Options);
        var now = file["now"] is { } n ? DateTimeOffset.Parse(n.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : Now;
        var organisation = file["organisation"]?.GetValue<string>() ?? Nacka;
        using var input = JsonDocument.Parse(file["input"]!.ToJsonString());

        var result = Normaliser.Normalise(input.RootElement, Context(profile, now, organisation));

        if (file["expected"] is JsonObject expected)
        {
            Assert.True(result.IsValid, Describe(result));
            var actual = ToJson(result.Update!);
            Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString(HubJson.Options)}\nactual   {actual.ToJsonString(HubJson.Options)}");
        }
        else
        {
            var expectedErrors = file["expectedErrors"]!.AsArray();
            Assert.False(result.IsValid);
            Assert.Null(result.Update);
            Assert.Equal(
                expectedErrors.Select(e => e!["property"]!.GetValue<string>()).Order(StringComparer.Ordinal),
                result.Errors.Select(e => e.Property).Order(StringComparer.Ordinal));
            foreach (var error in expectedErrors)
            {
                var actual = result.Errors.First(e => e.Property == error!["property"]!.GetValue<string>());
                Assert.False(string.IsNullOrWhiteSpace(actual.Reason));
                if (error!["value"] is { } value)
                {
                    Assert.Equal(value.GetValue<string>(), actual.Value);
                }
            }

            Assert.All(result.Errors, e => Assert.True(e.Value is null || (e.Value.Length <= Echo.MaxLength + 1 && !PersonnummerGuard.Contains(e.Value))));
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Normalise_ExamplesExpectedUpdate_IsItsOwnNormalForm(string example)
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, example + ".json")))!.AsObject();
        if (file["expected"] is not JsonObject expected)
        {
            return;
        }

        var now = file["now"] is { } n ? DateTimeOffset.Parse(n.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : Now;
        var organisation = file["organisation"]?.GetValue<string>() ?? Nacka;
        using var input = JsonDocument.Parse(expected.ToJsonString());

        var again = Normaliser.Normalise(input.RootElement, Context(null, now, organisation));

        Assert.True(again.IsValid, Describe(again));
        var actual = ToJson(again.Update!);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString(HubJson.Options)}\nactual   {actual.ToJsonString(HubJson.Options)}");
    }
}

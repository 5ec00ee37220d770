using System.Text.Json;
using Mellanrum.Hub.Normalisation;

namespace Mellanrum.Hub.Tests.Normalisation;

public sealed class MappingProfileValidatorTests
{
    private static readonly Dictionary<string, string> Fields = new() { ["kind"] = "/typ", ["title"] = "/rubrik", ["collaboration"] = "/projekt/kod", ["occurredAt"] = "/datum" };

    [Fact]
    public void Validate_TheContractsProfile_HasNoErrors()
    {
        var profile = new MappingProfile(
            new Dictionary<string, string>
            {
                ["externalId"] = "/arende/id", ["collaboration"] = "/projekt/kod", ["kind"] = "/typ", ["title"] = "/rubrik",
                ["summary"] = "/beskrivning", ["occurredAt"] = "/datum", ["participants"] = "/kommuner", ["status"] = "/status",
            },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["kind"] = new Dictionary<string, string> { ["Beslut"] = "decision", ["Lägesrapport"] = "status-report" },
                ["status"] = new Dictionary<string, string> { ["Pågår"] = "active" },
            },
            new Dictionary<string, JsonElement> { ["area"] = JsonSerializer.SerializeToElement("digitalisering") });

        Assert.Empty(MappingProfileValidator.Validate(profile));
    }

    [Fact]
    public void Validate_ValueMappedToAnUnknownWord_NamesTheSourceWord()
    {
        var profile = new MappingProfile(Fields, new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["kind"] = new Dictionary<string, string> { ["Beslut"] = "decison" },
        });

        var error = Assert.Single(MappingProfileValidator.Validate(profile));
        Assert.Equal("profile.values.kind.Beslut", error.Property);
        Assert.Equal("decison", error.Value);
    }

    [Fact]
    public void Validate_ValueMappedToASwedishWord_IsAccepted()
    {
        var profile = new MappingProfile(Fields, new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["status"] = new Dictionary<string, string> { ["P"] = "pågår" },
            ["participants"] = new Dictionary<string, string> { ["NVK"] = "Nacka kommun" },
        });

        Assert.Empty(MappingProfileValidator.Validate(profile));
    }

    [Theory]
    [InlineData("rubrik", "/rubrik", "profile.fields.rubrik")]
    [InlineData("title", "rubrik", "profile.fields.title")]
    [InlineData("title", "/a~2b", "profile.fields.title")]
    [InlineData("title", "/a~", "profile.fields.title")]
    public void Validate_BadFieldOrPointer_NamesTheField(string field, string pointer, string property)
    {
        var profile = new MappingProfile(new Dictionary<string, string>(Fields) { [field] = pointer });

        var error = Assert.Single(MappingProfileValidator.Validate(profile));
        Assert.Equal(property, error.Property);
    }

    [Theory]
    [InlineData("area", "\"rymden\"")]
    [InlineData("status", "42")]
    [InlineData("occurredAt", "\"2026-01-01\"")]
    [InlineData("externalId", "\"samma\"")]
    [InlineData("participants", "[\"Atlantis\"]")]
    [InlineData("summary", "\"Kontakt 811218-9876\"")]
    [InlineData("farg", "\"blå\"")]
    public void Validate_InvalidDefault_NamesTheDefault(string field, string json)
    {
        var profile = new MappingProfile(Fields, Defaults: new Dictionary<string, JsonElement> { [field] = JsonDocument.Parse(json).RootElement });

        var error = Assert.Single(MappingProfileValidator.Validate(profile));
        Assert.StartsWith($"profile.defaults.{field}", error.Property, StringComparison.Ordinal);
        Assert.DoesNotContain("811218", error.Value ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoSpellingsOfOneWordMappedApart_IsRefused()
    {
        var profile = new MappingProfile(Fields, new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["kind"] = new Dictionary<string, string> { ["Möte"] = "meeting", ["MOTE"] = "decision" },
        });

        Assert.Contains(MappingProfileValidator.Validate(profile), e => e.Property.StartsWith("profile.values.kind.", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ValueMapForAFreeTextField_IsRefused()
    {
        var profile = new MappingProfile(Fields, new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["title"] = new Dictionary<string, string> { ["a"] = "b" },
        });

        Assert.Equal("profile.values.title", Assert.Single(MappingProfileValidator.Validate(profile)).Property);
    }

    [Fact]
    public void Validate_NoFields_IsRefused()
    {
        Assert.Equal("profile.fields", Assert.Single(MappingProfileValidator.Validate(new MappingProfile(new Dictionary<string, string>()))).Property);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("/a~1b/~0c/0", "a/b.~c[0]")]
    [InlineData("/arende/id", "arende.id")]
    public void TryParse_Rfc6901Pointer_Parses(string text, string dotted)
    {
        Assert.True(JsonPointer.TryParse(text, out var pointer, out _));
        Assert.Equal(dotted, pointer.DottedPath);
    }

    [Fact]
    public void TryEvaluate_EscapedPointer_FindsTheValue()
    {
        using var document = JsonDocument.Parse("""{"a/b": {"~c": ["x", "y"]}}""");
        Assert.True(JsonPointer.TryParse("/a~1b/~0c/1", out var pointer, out _));

        Assert.True(pointer.TryEvaluate(document.RootElement, out var value));
        Assert.Equal("y", value.GetString());
    }
}

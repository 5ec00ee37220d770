using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Normalisation;
using Mellanrum.Hub.Organisations;
using static Mellanrum.Hub.Tests.Normalisation.NormalisationTestSupport;

namespace Mellanrum.Hub.Tests.Normalisation;

public sealed class NormaliserPropertyTests
{
    private static readonly string[] Pieces =
    [
        "", " ", "Beslut", "beslut", "PÅGÅR", "pa\u0308gar", "skola", "IT", "decision", "e-arkiv-sodertorn", "Nacka", "Stockholms stad",
        "0182", "556016-0680", "811218-9876", "19811218-9876", "2026-03-29T02:30", "2026-10-25T02:30", "2026-03-19", "2026-03-19T09:00:00+01:00",
        "<p>a</p>", "<b>fet</b>", "&amp;", "&lt;b&gt;", "&amp;lt;p&amp;gt;", "**x**", "*y*", "# Rubrik", "> citat", "* punkt", "[t](https://a.se/)",
        "![bild](x.png)", "`kod`", "\u0000", "\u0007", "\t", "\r\n", "\n\n\n", "\u200b", "\uFEFF", "\ud800", "é", "e\u0301", "https://www.nacka.se/a",
        "javascript:alert(1)", "http://x.se", "<script>x</script>", "<!-- c -->", "&#x301;", "&#65;", "&#128512;", "---", "~~s~~", "__u__", "<li>",
        "2026-02-30", "9999-12-31T23:59:59.9999999-23:59", "0001-01-01T00:00:00+23:59", "1900-01-01", "/a~1b", "~2",
    ];

    private static readonly string[] Fields = ["externalId", "collaboration", "kind", "title", "summary", "status", "area", "participants", "occurredAt", "links", "tags", "url", "extra"];

    private static readonly Gen<string> Text =
        Gen.OneOf(Gen.OneOf(Pieces), Gen.String[0, 30], Gen.Char["<>&*_#[]()!`-+:;/\\ \n\u0301åäöÅÄÖ0123456789"].Array[0, 30].Select(c => new string(c)))
            .Array[1, 4].Select(parts => string.Concat(parts));

    private static readonly Gen<JsonNode?> Json = JsonGen(3);

    private static readonly Gen<MappingProfile?> Profiles = Gen.OneOf(
        Gen.Const((MappingProfile?)null),
        Gen.Select(Gen.OneOf(Fields).Array[0, 6], Gen.OneOf("/title", "/a", "/a/0", "/b/c", "", "/kind", "/x~1y", "/participants").Array[6],
            (names, pointers) => (MappingProfile?)new MappingProfile(
                names.Distinct().Select((n, i) => (n, pointers[i])).ToDictionary(p => p.n, p => p.Item2),
                new Dictionary<string, IReadOnlyDictionary<string, string>> { ["kind"] = new Dictionary<string, string> { ["X"] = "beslut" } },
                new Dictionary<string, JsonElement> { ["area"] = JsonSerializer.SerializeToElement("IT") })));

    private static readonly Gen<string> Updates =
        Gen.Select(
            Gen.OneOf("e-arkiv-sodertorn", "E-ARKIV", " ab ", "x"),
            Gen.OneOf("beslut", "Lägesrapport", "möte", "avtal", "decision", "milstolpe"),
            Text,
            Text,
            Gen.OneOf("2026-03-19", "2026-03-19T09:00", "2026-10-25T02:30", "2026-03-29T03:00", "2026-01-01T00:00:00.123Z", "2025-12-31T23:00:00-08:00"),
            Gen.OneOf("Nacka", "Värmdö kommun", "0136", "556016-0680", "GÖTEBORGS STAD", "Malung Sälen", "212000-0084", "16212000-0167", "2120000142").Array[0, 4],
            Gen.OneOf(Text, Gen.OneOf("https://www.nacka.se/a b", "https://WWW.Nacka.se", "https://x.se/ä?q=1#f", "https://a.se/../b")),
            Gen.Select(Gen.OneOf(Gen.Const(""), Gen.Const("#"), Gen.Const("##"), Gen.Const("# "), Gen.Const("&#35;")), Text, (h, t) => h + t).Array[0, 4])
        .Select(t => new JsonObject
        {
            ["collaboration"] = t.Item1, ["kind"] = t.Item2, ["title"] = t.Item3, ["summary"] = t.Item4, ["occurredAt"] = t.Item5,
            ["participants"] = new JsonArray(t.Item6.Select(p => (JsonNode?)p).ToArray()),
            ["links"] = new JsonArray(new JsonObject { ["title"] = t.Item4, ["url"] = t.Item7 }),
            ["tags"] = new JsonArray(t.Item8.Select(p => (JsonNode?)p).ToArray()),
            ["status"] = "pågår", ["area"] = "skola",
        }.ToJsonString());

    [Fact]
    public void Normalise_AnyJson_NeverThrowsAndIsEitherValidOrHasErrors()
    {
        Gen.Select(Json, Profiles).Sample(
            t =>
            {
                using var document = JsonDocument.Parse(t.Item1?.ToJsonString() ?? "null");
                var result = Normaliser.Normalise(document.RootElement, Context(t.Item2));
                Assert.True(result.IsValid ^ result.Errors.Count > 0);
                Assert.All(result.Errors, e => Assert.True(e.Value is null || !PersonnummerGuard.Contains(e.Value)));
            },
            iter: 3000,
            threads: 1);
    }

    [Fact]
    public void Normalise_ItsOwnOutput_GivesTheSameUpdate()
    {
        var valid = 0;
        Updates.Sample(
            json =>
            {
                var first = Normalise(json);
                if (!first.IsValid)
                {
                    return;
                }

                valid++;
                var again = Normalise(JsonSerializer.Serialize(first.Update, HubJson.Options));
                Assert.True(again.IsValid, Describe(again));
                Assert.Equal(Describe(first), Describe(again));
            },
            iter: 3000,
            threads: 1);
        Assert.True(valid > 100, $"only {valid} generated updates were valid");
    }

    [Theory]
    [InlineData("#*<2>2)+\n48ö/)&*-", "<2>2)+ 48ö/)&*-")]
    [InlineData("#*x", "x")]
    [InlineData("##*x*", "x")]
    [InlineData("#&#42;x", "x")]
    [InlineData("#&#35;*x", "x")]
    [InlineData("#> citat", "citat")]
    [InlineData("#* punkt", "punkt")]
    [InlineData("#+ punkt", "- punkt")]
    [InlineData("#---", null)]
    [InlineData("# #upphandling", "upphandling")]
    public void Normalise_TagWithMarkupBehindItsHash_IsCleanedUntilStable(string raw, string? expected)
    {
        static string[] Tags(string tag) =>
            [.. Normalise(new JsonObject
            {
                ["collaboration"] = "e-arkiv", ["kind"] = "decision", ["title"] = "Beslut", ["occurredAt"] = "2026-03-19",
                ["tags"] = new JsonArray(tag),
            }.ToJsonString()).Update!.Tags];

        var once = Tags(raw);
        Assert.Equal(expected is null ? [] : [expected], once);
        if (expected is not null)
        {
            Assert.Equal(once, Tags(expected));
        }
    }

    [Theory]
    [InlineData("#*x")]
    [InlineData("*#*x")]
    [InlineData("**# *x")]
    [InlineData("#&#42;x")]
    [InlineData("&#35; *x")]
    [InlineData("&gt; *x")]
    [InlineData("<b></b>* punkt")]
    public void Normalise_TextWhoseMarkupBecomesLeading_IsStableTheSecondTime(string raw)
    {
        static (string Title, string? Summary, string? LinkTitle) Texts(string title, string summary, string linkTitle)
        {
            var update = Normalise(new JsonObject
            {
                ["collaboration"] = "e-arkiv", ["kind"] = "decision", ["title"] = title, ["summary"] = summary, ["occurredAt"] = "2026-03-19",
                ["links"] = new JsonArray(new JsonObject { ["title"] = linkTitle, ["url"] = "https://www.nacka.se/a" }),
            }.ToJsonString()).Update!;
            return (update.Title, update.Summary, update.Links[0].Title);
        }

        var once = Texts("Beslut " + raw, raw, raw);
        var again = Texts(once.Title, once.Summary ?? string.Empty, once.LinkTitle ?? string.Empty);
        Assert.Equal(once, again);
    }

    [Fact]
    public void Clean_CleanText_ChangesNothing()
    {
        Text.Sample(
            text =>
            {
                foreach (var multiline in (bool[])[true, false])
                {
                    if (TextCleaner.TryClean(text, multiline, out var once))
                    {
                        Assert.True(TextCleaner.TryClean(once, multiline, out var twice));
                        Assert.Equal(once, twice);
                        Assert.True(once.IsNormalized(NormalizationForm.FormC));
                        Assert.DoesNotContain(once, c => char.IsControl(c) && c != '\n');
                    }
                }
            },
            iter: 5000,
            threads: 1);
    }

    [Fact]
    public void Guard_AnyValidPersonnummer_IsFoundAndRefused()
    {
        var dates = Gen.Select(Gen.Int[1900, 2025], Gen.Int[1, 12], Gen.Int[1, 31], Gen.Bool)
            .Where(d => d.Item3 <= DateTime.DaysInMonth(d.Item1, d.Item2));
        Gen.Select(dates, Gen.Int[0, 999], Gen.Int[0, 3], Gen.OneOf("", "Handläggare ", "ref:", "a\n"))
            .Sample(
                t =>
                {
                    var ((year, month, day, samordning), serial, form, prefix) = t;
                    var nine = $"{year % 100:00}{month:00}{day + (samordning ? 60 : 0):00}{serial:000}";
                    var ten = nine + CheckDigit(nine);
                    var text = form switch
                    {
                        0 => $"{ten[..6]}-{ten[6..]}",
                        1 => $"{ten[..6]}+{ten[6..]}",
                        2 => $"{year / 100}{ten}",
                        _ => $"{year / 100}{ten[..6]}-{ten[6..]}",
                    };

                    Assert.True(PersonnummerGuard.Contains(prefix + text + " text"), text);
                    var result = Normalise(new JsonObject
                    {
                        ["collaboration"] = "e-arkiv", ["kind"] = "decision", ["title"] = "Beslut", ["occurredAt"] = "2026-03-19",
                        ["summary"] = prefix + text,
                    }.ToJsonString());
                    var error = Assert.Single(result.Errors);
                    Assert.Equal("summary", error.Property);
                    Assert.Null(error.Value);
                },
                iter: 3000,
                threads: 1);
    }

    [Fact]
    public void Guard_AnyValidOrganisationsnummer_IsNotAPersonnummer()
    {
        Gen.Select(Gen.Int[0, 99], Gen.Int[20, 99], Gen.Int[0, 99999], Gen.Int[0, 3]).Sample(
            t =>
            {
                var (first, second, rest, form) = t;
                var nine = $"{first:00}{second:00}{rest:00000}";
                var ten = nine + CheckDigit(nine);
                var text = form switch
                {
                    0 => $"{ten[..6]}-{ten[6..]}",
                    1 => ten,
                    2 => "16" + ten,
                    _ => $"16{ten[..6]}-{ten[6..]}",
                };

                Assert.True(Organisationsnummer.TryParse(text, out var canonical), text);
                Assert.Equal($"{ten[..6]}-{ten[6..]}", canonical);
                Assert.False(PersonnummerGuard.Contains(text), text);
                Assert.False(PersonnummerGuard.Contains($"org.nr {text}, dnr KS-2026-0042, 2026-03-19"), text);
            },
            iter: 5000,
            threads: 1);
    }

    private static char CheckDigit(string nine)
    {
        for (var d = '0'; d <= '9'; d++)
        {
            if (Luhn.IsValid(nine + d))
            {
                return d;
            }
        }

        throw new InvalidOperationException("No check digit.");
    }

    private static Gen<JsonNode?> JsonGen(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Const((JsonNode?)null),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
            Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
            Text.Select(s => (JsonNode?)JsonValue.Create(s)));
        if (depth == 0)
        {
            return leaf;
        }

        var child = JsonGen(depth - 1);
        return Gen.OneOf(
            leaf,
            child.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items)),
            Gen.Select(Gen.OneOf(Gen.OneOf(Fields), Text), child).Array[0, 8].Select(props =>
            {
                var o = new JsonObject();
                foreach (var (name, value) in props)
                {
                    o[name] = value;
                }

                return (JsonNode?)o;
            }));
    }
}

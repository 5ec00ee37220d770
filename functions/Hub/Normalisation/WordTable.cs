using System.Collections.Frozen;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>
/// The words the hub understands for kinds, statuses and areas, Swedish and English, beside the contract's own.
/// To teach the hub a word, add it to the row of the canonical word it means; a test checks that no word
/// means two things. Lookup is case- and accent-insensitive ("Pågår", "PAGAR", "pa\u030Agår" alike).
/// </summary>
public static class WordTable
{
    public static readonly IReadOnlyDictionary<string, string[]> KindWords = new Dictionary<string, string[]>
    {
        ["collaboration-started"] = ["samverkan startad", "samverkan startar", "start", "uppstart", "startad", "ny samverkan", "started", "kick-off", "kickoff"],
        ["status-report"] = ["lägesrapport", "statusrapport", "lägesbeskrivning", "uppföljning", "progress report", "status update"],
        ["decision"] = ["beslut", "beslutad", "beslutat", "decided"],
        ["recommendation"] = ["rekommendation", "förslag", "proposal"],
        ["agreement"] = ["avtal", "överenskommelse", "samverkansavtal", "contract"],
        ["call-for-partners"] = ["partnersökning", "intresseanmälan", "söker partner", "söker partners", "inbjudan att delta"],
        ["meeting"] = ["möte", "sammanträde", "träff", "workshop"],
        ["milestone"] = ["milstolpe", "delmål"],
        ["document"] = ["dokument", "handling", "publikation", "protokoll"],
        ["collaboration-ended"] = ["samverkan avslutad", "samverkan avslutas", "avslut", "ended"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> StatusWords = new Dictionary<string, string[]>
    {
        ["planned"] = ["planerad", "planerat", "planering", "kommande", "ej påbörjad"],
        ["active"] = ["pågår", "pågående", "aktiv", "aktivt", "igång", "ongoing", "in progress"],
        ["paused"] = ["pausad", "pausat", "vilande", "on hold"],
        ["completed"] = ["avslutad", "avslutat", "klar", "klart", "genomförd", "genomfört", "slutförd", "slutfört", "done", "finished", "complete"],
        ["cancelled"] = ["inställd", "inställt", "avbruten", "avbrutet", "struken", "canceled"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> AreaWords = new Dictionary<string, string[]>
    {
        ["digitalisering"] = ["IT", "digital", "e-förvaltning", "digitalization", "digitalisation", "it och digitalisering"],
        ["utbildning"] = ["skola", "förskola", "grundskola", "gymnasieskola", "vuxenutbildning", "education", "school"],
        ["arbetsmarknad"] = ["arbete", "sysselsättning", "employment", "labour market", "labor market"],
        ["social-valfard"] = ["social välfärd", "socialtjänst", "välfärd", "social welfare", "social services"],
        ["vard-och-omsorg"] = ["vård och omsorg", "äldreomsorg", "omsorg", "vård", "health and social care", "care"],
        ["samhallsbyggnad"] = ["samhällsbyggnad", "stadsbyggnad", "plan och bygg", "infrastruktur", "urban planning"],
        ["miljo-och-klimat"] = ["miljö och klimat", "miljö", "klimat", "environment", "climate"],
        ["kultur-och-fritid"] = ["kultur och fritid", "kultur", "fritid", "culture", "leisure"],
        ["krisberedskap"] = ["beredskap", "krishantering", "civilt försvar", "emergency preparedness"],
        ["upphandling"] = ["inköp", "procurement"],
        ["ovrigt"] = ["övrigt", "annat", "other"],
    };

    public static WordLookup Kinds { get; } = new("kind", Vocabulary.Kinds, KindWords);

    public static WordLookup Statuses { get; } = new("status", Vocabulary.Statuses, StatusWords);

    public static WordLookup Areas { get; } = new("area", Vocabulary.Areas, AreaWords);

    /// <summary>The lookup for a canonical field that takes a word, or null.</summary>
    public static WordLookup? For(string field) => field switch
    {
        "kind" => Kinds,
        "status" => Statuses,
        "area" => Areas,
        _ => null,
    };
}

/// <summary>One closed word list with its synonyms, folded for lookup.</summary>
public sealed class WordLookup
{
    private readonly FrozenDictionary<string, string> _byFolded;
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public WordLookup(string field, IReadOnlyList<string> canonical, IReadOnlyDictionary<string, string[]> synonyms)
    {
        Field = field;
        Canonical = canonical;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in canonical)
        {
            Add(map, word, word);
        }

        foreach (var (word, others) in synonyms)
        {
            if (!canonical.Contains(word))
            {
                throw new InvalidOperationException($"'{word}' is not a canonical {field}.");
            }

            foreach (var other in others)
            {
                Add(map, other, word);
            }
        }

        _byFolded = map.ToFrozenDictionary(StringComparer.Ordinal);
        _bySpan = _byFolded.GetAlternateLookup<ReadOnlySpan<char>>();
        Hint = string.Join(", ", canonical);
    }

    public string Field { get; }

    public IReadOnlyList<string> Canonical { get; }

    /// <summary>The canonical words, comma-separated, for error reasons.</summary>
    public string Hint { get; }

    /// <summary>Every folded word and the canonical word it means.</summary>
    public IReadOnlyDictionary<string, string> Words => _byFolded;

    public bool TryResolve(ReadOnlySpan<char> value, out string canonical)
    {
        canonical = string.Empty;
        if (value.Length > Folding.StackLimit)
        {
            return false; // no word of ours is that long
        }

        Span<char> buffer = stackalloc char[Folding.StackLimit];
        var length = Folding.Fold(value, buffer);
        if (length == 0)
        {
            return false;
        }

        if (_bySpan.TryGetValue(buffer[..length], out var found))
        {
            canonical = found;
            return true;
        }

        return false;
    }

    private static void Add(Dictionary<string, string> map, string word, string canonical)
    {
        var key = Folding.Fold(word);
        if (map.TryGetValue(key, out var existing) && existing != canonical)
        {
            throw new InvalidOperationException($"'{word}' would mean both '{existing}' and '{canonical}'.");
        }

        map[key] = canonical;
    }
}

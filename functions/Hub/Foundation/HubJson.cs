using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mellanrum.Hub.Foundation;

/// <summary>The one set of JSON options the hub writes its contract with: camelCase, no nulls, UTF-8 text unescaped, times in UTC.</summary>
public static class HubJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>
    /// For what callers send: the same options, but a name given twice in one object is an error rather than "the last
    /// one wins" (I-JSON, RFC 7493), so no two readers of a request can see two different values in it.
    /// </summary>
    public static readonly JsonSerializerOptions Requests = new(Options) { AllowDuplicateProperties = false };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));

        // Every time the hub writes is RFC 3339 in UTC with a Z, whatever record it is on.
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

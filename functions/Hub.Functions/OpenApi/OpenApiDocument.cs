using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>The OpenAPI 3.1 document the hub serves: built from the code once, on first use, and kept.</summary>
public static class OpenApiDocument
{
    private static readonly Lazy<string> Text = new(() => Build().ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }));

    /// <summary>The document as JSON text, as it is served.</summary>
    public static string Json => Text.Value;

    /// <summary>A fresh copy of the document.</summary>
    public static JsonObject Build() => OpenApiBuilder.Build();
}

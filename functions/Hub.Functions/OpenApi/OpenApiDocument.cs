using System.Reflection;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>The OpenAPI 3 document the hub serves.</summary>
public static class OpenApiDocument
{
    public static readonly string Json = Read();

    private static string Read()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mellanrum.Hub.Functions.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

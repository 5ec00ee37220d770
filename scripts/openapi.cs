#:project ../functions/Hub.Functions/Hub.Functions.csproj
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true

// Writes the OpenAPI document the hub serves at /api/v1/openapi, built from the code, to a file or to standard output:
//   dotnet run scripts/openapi.cs -- [out.json]
// Nothing reads the written file: the hub builds the same document itself. It is for linters and readers.
var json = Mellanrum.Hub.Functions.OpenApi.OpenApiDocument.Json;
if (args is [var path])
{
    File.WriteAllText(path, json + "\n");
    Console.Error.WriteLine($"wrote {path}");
}
else
{
    Console.WriteLine(json);
}

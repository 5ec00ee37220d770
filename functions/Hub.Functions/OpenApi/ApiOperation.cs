using System.Text.Json.Nodes;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>A text in English and Swedish, written side by side in the document (DIGG's DOK.06).</summary>
public readonly record struct Bilingual(string En, string Sv)
{
    /// <summary>For a summary: <c>English / Svenska</c>.</summary>
    public string Short => $"{En} / {Sv}";

    /// <summary>For a description: the English paragraph, then the Swedish one.</summary>
    public string Long => $"{En}\n\n{Sv}";
}

/// <summary>
/// What an HTTP function is to a caller, beyond what its <c>[HttpTrigger]</c> already says (route and method are read
/// from the attribute, never written here): summary, description, who may call it, its parameters, the bodies it takes
/// and every answer it gives. The operation id is the function's name.
/// </summary>
public sealed record ApiOperation(
    string Function,
    string Tag,
    Bilingual Summary,
    Bilingual Description,
    IReadOnlyList<string> Security,
    IReadOnlyList<ApiParameter> Parameters,
    ApiRequest? Request,
    IReadOnlyList<ApiResponse> Responses)
{
    /// <summary>A function the document leaves out on purpose (an alias); the reason is kept for the reader of the code.</summary>
    public static ApiOperation Undocumented(string function, string reason) =>
        new(function, string.Empty, new(reason, reason), new(reason, reason), [], [], null, []) { IsDocumented = false };

    public bool IsDocumented { get; init; } = true;
}

/// <summary>Where a parameter travels.</summary>
public enum ParameterLocation
{
    Path,
    Query,
    Header,
}

/// <summary>One parameter: its schema is written inline, its example is a value a caller would send.</summary>
public sealed record ApiParameter(string Name, ParameterLocation In, Bilingual Description, Func<JsonObject> Schema, string? Example = null, bool Required = false);

/// <summary>A request body: one entry per accepted media type.</summary>
public sealed record ApiRequest(IReadOnlyList<ApiContent> Content, bool Required = true);

/// <summary>One answer of an operation: a status, what it means, its bodies (by media type) and its headers.</summary>
public sealed record ApiResponse(int Status, Bilingual Description, IReadOnlyList<ApiContent> Content, IReadOnlyList<ApiHeader> Headers)
{
    /// <summary>
    /// A problem answer: its example is the very body <see cref="Http.ProblemResult"/> writes for this problem
    /// at this operation's path (filled in by the builder, which knows the path).
    /// </summary>
    public Problem? Example { get; init; }

    /// <summary>Operations this answer leads to, with the values of their parameters taken from it (OpenAPI links).</summary>
    public IReadOnlyList<ApiLink> Links { get; init; } = [];
}

/// <summary>
/// An OpenAPI link: <paramref name="Operation"/> (a function's name) can be called with parameters taken from this
/// answer, e.g. <c>id</c> = <c>$response.body#/id</c>.
/// </summary>
public sealed record ApiLink(string Name, string Operation, IReadOnlyDictionary<string, string> Parameters, Bilingual Description);

/// <summary>
/// A body of one media type: either a record the code writes or reads (<paramref name="Type"/>, described once by its
/// components schema) or an inline schema for what is not JSON of ours (HTML, the document itself); the example is a
/// sample instance, serialised as the hub serialises it.
/// </summary>
public sealed record ApiContent(string MediaType, Type? Type, Func<ComponentSchemas, JsonNode>? Schema, object? Example);

/// <summary>A response header.</summary>
public sealed record ApiHeader(string Name, Bilingual Description, Func<JsonObject> Schema, string? Example = null);

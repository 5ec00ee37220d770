using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>One HTTP function as its attributes declare it: name, route (host.json has no route prefix: API routes carry <c>api/v1/</c>) and methods.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, MethodInfo Method)
{
    /// <summary>The route's parameter names, in order (<c>{sourceId}</c> gives <c>sourceId</c>; constraints dropped).</summary>
    public IReadOnlyList<string> RouteParameters => HttpFunctions.RouteParameter().Matches(Route).Select(m => m.Groups[1].Value).ToArray();
}

/// <summary>Reads the HTTP functions of this assembly from their <c>[Function]</c> and <c>[HttpTrigger]</c> attributes.</summary>
public static partial class HttpFunctions
{
    public static IReadOnlyList<HttpFunction> Load(Assembly? assembly = null) =>
        (assembly ?? typeof(HttpFunctions).Assembly).GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(Describe)
            .OfType<HttpFunction>()
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();

    private static HttpFunction? Describe(MethodInfo method)
    {
        if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
        {
            return null;
        }

        var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().FirstOrDefault();
        return trigger is null
            ? null
            : new HttpFunction(function.Name, trigger.Route ?? function.Name, (trigger.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant()).ToArray(), method);
    }

    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    internal static partial Regex RouteParameter();
}

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Local;

/// <summary>What triggers a function: exactly what its attributes say, expressions unresolved.</summary>
public abstract record Trigger
{
    public sealed record Http(string Route, IReadOnlyList<string> Methods) : Trigger;

    public sealed record Queue(string QueueName, string? Connection) : Trigger;

    public sealed record Timer(string Schedule, bool RunOnStartup) : Trigger;
}

/// <summary>One <c>[Function]</c> method of Hub.Functions.</summary>
public sealed record FunctionDescriptor(string Name, Type Type, MethodInfo Method, Trigger Trigger, ParameterInfo TriggerParameter);

/// <summary>
/// Reads the functions from the <c>[Function]</c>, <c>[HttpTrigger]</c>, <c>[QueueTrigger]</c> and <c>[TimerTrigger]</c>
/// attributes of the Hub.Functions assembly: the one route table, shared with Azure.
/// </summary>
public static partial class FunctionCatalog
{
    public static Assembly FunctionsAssembly => typeof(Mellanrum.Hub.Functions.Meta.MetaFunctions).Assembly;

    public static IReadOnlyList<FunctionDescriptor> Load(Assembly? assembly = null) =>
        (assembly ?? FunctionsAssembly).GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(Describe)
            .OfType<FunctionDescriptor>()
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Resolves <c>%Setting%</c> expressions from configuration, as the Functions host does.</summary>
    public static string Resolve(string expression, IConfiguration configuration) =>
        SettingExpression().Replace(expression, m =>
            configuration[m.Groups[1].Value] ?? throw new InvalidOperationException($"The setting '{m.Groups[1].Value}' used by a trigger is not configured."));

    private static FunctionDescriptor? Describe(MethodInfo method)
    {
        if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
        {
            return null;
        }

        foreach (var parameter in method.GetParameters())
        {
            Trigger? trigger = parameter.GetCustomAttributes().FirstOrDefault() switch
            {
                HttpTriggerAttribute http => new Trigger.Http(http.Route ?? function.Name, (http.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant()).ToArray()),
                QueueTriggerAttribute queue => new Trigger.Queue(queue.QueueName, queue.Connection),
                TimerTriggerAttribute timer => new Trigger.Timer(timer.Schedule, timer.RunOnStartup),
                _ => null,
            };
            if (trigger is not null)
            {
                return new FunctionDescriptor(function.Name, method.DeclaringType!, method, trigger, parameter);
            }
        }

        throw new InvalidOperationException($"Function {function.Name} has a trigger Hub.Local does not host.");
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();
}

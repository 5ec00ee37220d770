using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Mellanrum.Hub.Local;

/// <summary>
/// Calls a function method the way the isolated worker does for the inputs our functions take: the trigger value,
/// route values bound by parameter name, and the cancellation token. The class is created per invocation from DI.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services)
{
    public async Task<object?> InvokeAsync(FunctionDescriptor function, object triggerValue, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Type);
        try
        {
            var arguments = function.Method.GetParameters().Select(p => Bind(p, function, triggerValue, bindingData, cancellationToken)).ToArray();
            object? result;
            try
            {
                result = function.Method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            return result switch
            {
                Task task => await Unwrap(task),
                _ => result,
            };
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    private static object? Bind(ParameterInfo parameter, FunctionDescriptor function, object triggerValue, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        if (parameter == function.TriggerParameter || parameter.Position == function.TriggerParameter.Position)
        {
            return triggerValue;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (bindingData.TryGetValue(parameter.Name!, out var value))
        {
            return value is null || parameter.ParameterType.IsInstanceOfType(value) ? value : Convert.ChangeType(value, parameter.ParameterType, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (parameter.ParameterType == typeof(FunctionContext))
        {
            throw new InvalidOperationException($"Function {function.Name} takes a FunctionContext, which Hub.Local cannot give: take only what both hosts give.");
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue : null;
    }

    private static async Task<object?> Unwrap(Task task)
    {
        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetProperty("Result") is { } property && property.PropertyType.Name != "VoidTaskResult"
            ? property.GetValue(task)
            : null;
    }
}

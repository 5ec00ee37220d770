using Mellanrum.Hub.Functions;
using Mellanrum.Hub.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.IntegrationTests.Hosting;

/// <summary>The Azure Functions host builds without running, and every function class resolves from it.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void FunctionsHost_Builds_AndEveryFunctionClassResolves()
    {
        using var host = FunctionsHost.Build(
        [
            "--AzureWebJobsStorage=UseDevelopmentStorage=true",
            "--Hub:AdminKey=composition-test-admin-key",
        ]);

        var types = FunctionCatalog.Load().Select(f => f.Type).Distinct().ToArray();
        Assert.NotEmpty(types);
        using var scope = host.Services.CreateScope();
        foreach (var type in types)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    [Fact]
    public void FunctionCatalog_EveryFunction_TakesOnlyWhatBothHostsCanGive()
    {
        var allowed = new[] { typeof(Microsoft.AspNetCore.Http.HttpRequest), typeof(string), typeof(CancellationToken), typeof(Microsoft.Azure.Functions.Worker.TimerInfo) };
        foreach (var function in FunctionCatalog.Load())
        {
            Assert.All(function.Method.GetParameters(), p => Assert.Contains(p.ParameterType, allowed));
        }
    }
}

using System.Reflection;
using Mellanrum.Hub.Functions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// Hub.Local calls the function classes by reflection, so anything that runs only in the worker's pipeline (worker
/// middleware, input converters, ASP.NET Core middleware of the worker's web application) would run in Azure and not
/// in Hub.Local. The decision (docs/architecture.md, "One behaviour in both hosts") is that the hub adds none: these
/// tests hold it, on the composed Functions host.
/// </summary>
public sealed class OneBehaviourTests(ITestOutputHelper output)
{
    private const string Decision = "It would run in the worker only, not in Hub.Local, which calls the function classes by reflection. "
        + "See docs/architecture.md, \"One behaviour in both hosts\": do it inside the function classes (Hub.Functions/Http), or make Hub.Local run it too and change that section.";

    [Fact]
    public void TheComposedFunctionsHost_RunsNoWorkerMiddlewareButTheSdksOwn()
    {
        using var host = Compose();

        var pipeline = host.Services.GetRequiredService<FunctionExecutionDelegate>();
        var links = Links(pipeline).ToArray();

        output.WriteLine("worker middleware pipeline, outermost first:");
        output.WriteLine(string.Join(Environment.NewLine, links.Select(l => $"  {l.Describe()}")));
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.True(l.Origins.All(IsSdk), $"The worker pipeline runs {l.Describe()}, which is not the Functions SDK's. {Decision}"));
    }

    [Fact]
    public void TheComposedFunctionsHost_ConvertsInputsOnlyWithTheSdksConverters()
    {
        using var host = Compose();

        var converters = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.InputConverters.ToArray();

        output.WriteLine(string.Join(Environment.NewLine, converters.Select(c => c.FullName)));
        Assert.NotEmpty(converters);
        Assert.All(converters, c => Assert.True(IsSdk(c.Assembly), $"The worker converts inputs with {c.FullName}. {Decision}"));
        var custom = typeof(FunctionsHost).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods().SelectMany(m => m.GetParameters()).Select(p => (Where: $"{t.Name}.{p.Member.Name}({p.Name})", p.CustomAttributes)).Append((Where: t.FullName!, t.CustomAttributes)))
            .Where(x => x.CustomAttributes.Any(a => a.AttributeType.Name is "InputConverterAttribute" or "SupportsDeferredBindingAttribute"))
            .Select(x => x.Where)
            .ToArray();
        Assert.True(custom.Length == 0, $"Hub.Functions names input converters on {string.Join(", ", custom)}. {Decision}");
    }

    [Fact]
    public void TheComposedFunctionsHost_AddsNoAspNetCoreMiddlewareOfItsOwn()
    {
        using var host = Compose();

        var filters = host.Services.GetServices<IStartupFilter>().Select(f => f.GetType()).ToArray();

        output.WriteLine(string.Join(Environment.NewLine, filters.Select(f => f.FullName)));
        Assert.All(filters, f => Assert.True(IsSdkOrAspNetCore(f.Assembly), $"The worker's web application runs the startup filter {f.FullName}. {Decision}"));
    }

    [Fact]
    public void TheGuard_SeesWorkerMiddlewareOfOurOwn_ByTypeAndInline()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<ProbeMiddleware>();
        builder.UseMiddleware((context, next) => next());
        using var host = builder.Build();

        var links = Links(host.Services.GetRequiredService<FunctionExecutionDelegate>()).ToArray();

        var ours = links.Where(l => !l.Origins.All(IsSdk)).Select(l => l.Describe()).ToArray();
        output.WriteLine(string.Join(Environment.NewLine, ours));
        Assert.Equal(2, ours.Length);
        Assert.Contains(nameof(ProbeMiddleware), ours[0], StringComparison.Ordinal);
    }

    /// <summary>The Functions host as Program.cs builds it, without running it.</summary>
    private static IHost Compose() => FunctionsHost.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--Hub:AdminKey=one-behaviour-test-admin-key"]);

    private static bool IsSdk(Assembly assembly) => assembly.GetName().Name!.StartsWith("Microsoft.Azure.Functions.Worker", StringComparison.Ordinal);

    private static bool IsSdkOrAspNetCore(Assembly assembly) =>
        IsSdk(assembly) || assembly.GetName().Name == "Microsoft.AspNetCore" || assembly.GetName().Name!.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal);

    /// <summary>
    /// The middleware links of the built pipeline, outermost first: each link is a closure over the next one; its
    /// origins are the assemblies of its code, of its generic arguments (<c>UseMiddleware&lt;T&gt;</c>) and of any
    /// other delegate it captured (an inline <c>UseMiddleware((context, next) => ...)</c>).
    /// </summary>
    private static IEnumerable<Link> Links(Delegate pipeline)
    {
        for (Delegate? link = pipeline; link is not null;)
        {
            var closure = link.Method.DeclaringType!;
            var captured = Captured(link.Target, depth: 0).Distinct().ToArray();
            var next = captured.FirstOrDefault(c => c is FunctionExecutionDelegate);
            var others = captured.Where(c => c is not FunctionExecutionDelegate).ToArray();
            var generic = closure.IsGenericType ? closure.GetGenericArguments() : [];
            var origins = new[] { closure.Assembly }
                .Concat(generic.Select(g => g.Assembly))
                .Concat(others.Select(o => o.Method.DeclaringType!.Assembly))
                .Distinct()
                .ToArray();
            yield return new Link(closure, link.Method.Name, generic, others, origins);
            link = next;
        }
    }

    /// <summary>The delegates a closure holds, directly or through the compiler's closure objects it refers to.</summary>
    private static IEnumerable<Delegate> Captured(object? closure, int depth)
    {
        if (closure is null || depth > 4)
        {
            yield break;
        }

        foreach (var field in closure.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            switch (field.GetValue(closure))
            {
                case Delegate captured:
                    yield return captured;
                    break;
                case { } value when value.GetType().Name.Contains("<>", StringComparison.Ordinal):
                    foreach (var inner in Captured(value, depth + 1))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }

    private sealed class ProbeMiddleware : IFunctionsWorkerMiddleware
    {
        public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) => next(context);
    }

    private sealed record Link(Type Closure, string Method, Type[] Generic, Delegate[] Captured, Assembly[] Origins)
    {
        public string Describe() =>
            (Generic.Length > 0 ? string.Join(", ", Generic.Select(g => g.FullName)) : $"{Closure.FullName}.{Method}")
            + (Captured.Length > 0 ? " capturing " + string.Join(", ", Captured.Select(c => c.Method.DeclaringType!.FullName + "." + c.Method.Name)) : string.Empty)
            + $" [{string.Join(", ", Origins.Select(o => o.GetName().Name))}]";
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// Every answer carries a <c>traceparent</c> header (DIGG's REST API profile, SPA.04): the context of the span that
/// served it, so a caller can find its request in the hub's traces. Written by each result the function classes return
/// (<see cref="HubResults"/>, <see cref="ProblemResult"/>, the pages), so that both hosts write it: in Hub.Local that is
/// the ASP.NET Core request span, in the Functions worker the invocation's span (the worker's own Kestrel request span
/// when there is none). Without any span (no listener), a span id is made for the trace the caller sent, or a new trace,
/// flagged not sampled: the caller still gets a valid header, and never its own span id back.
/// </summary>
public static class TraceResponse
{
    public static void Stamp(HttpContext context)
    {
        var activity = Activity.Current ?? context.Features.Get<IHttpActivityFeature>()?.Activity;
        context.Response.Headers[CarriedTrace.ParentHeader] = activity is { IdFormat: ActivityIdFormat.W3C }
            ? activity.Id
            : Made(context.Request.Headers.TraceParent.FirstOrDefault());
    }

    private static string Made(string? sent)
    {
        var trace = CarriedTrace.Parse(sent, null).TryGetContext(out var caller) ? caller.TraceId : ActivityTraceId.CreateRandom();
        return $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";
    }

    /// <summary>A result that writes the header, then <paramref name="inner"/>.</summary>
    public static IResult Around(IResult inner) => new Traced(inner);

    private sealed class Traced(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            Stamp(httpContext);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Mellanrum.Hub.Functions.Pages;

/// <summary>
/// A page: a Razor component rendered on the server as <c>text/html</c>, with the headers every page carries (a
/// Content-Security-Policy allowing only the hub's own scripts and styles, no framing, no sniffing).
/// </summary>
public sealed class PageResult(IResult inner, int status = StatusCodes.Status200OK) : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static PageResult Of<TComponent>(object parameters, int status = StatusCodes.Status200OK)
        where TComponent : IComponent =>
        new(new RazorComponentResult<TComponent>(parameters) { StatusCode = status }, status);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        TraceResponse.Stamp(httpContext);
        var headers = httpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        httpContext.Response.StatusCode = status;
        await inner.ExecuteAsync(httpContext);
    }
}

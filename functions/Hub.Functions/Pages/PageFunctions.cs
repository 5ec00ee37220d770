using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Pages.Pages;
using Mellanrum.Hub.Pages.Shell;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Functions.Pages;

/// <summary>The pages' shared parts: their assets (style sheet, scripts) and the accessibility statement. Open to anyone.</summary>
public sealed class PageFunctions(IOptions<PagesOptions> options)
{
    /// <summary>
    /// <c>GET /assets/{name}</c>: a style sheet or script the pages use, served by the hub itself. Asked for with its
    /// current <c>?v=</c> it may be kept a year; a strong ETag answers 304 to a conditional request; 404 for anything else.
    /// </summary>
    [Function(nameof(GetAsset))]
    public IResult GetAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request,
        string name)
    {
        if (PageAssets.Find(name) is not { } asset)
        {
            return HubResults.Problem(Problem.NotFound("No such asset."));
        }

        var headers = request.HttpContext.Response.Headers;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "public, max-age=300";
        if (request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(tag => tag.Trim() == asset.ETag || tag.Trim() == "*")))
        {
            return HubResults.Status(StatusCodes.Status304NotModified);
        }

        return HubResults.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary><c>GET /tillganglighet</c>: the accessibility statement the law asks of a public service (<c>?lang=en</c> in English).</summary>
    [Function(nameof(GetAccessibilityStatement))]
    public IResult GetAccessibilityStatement(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tillganglighet")] HttpRequest request) =>
        PageResult.Of<AccessibilityStatement>(new
        {
            Language = PageLanguage.Of(request),
            Path = request.Path.Value + request.QueryString.Value,
            Contact = options.Value.AccessibilityContact,
        });
}

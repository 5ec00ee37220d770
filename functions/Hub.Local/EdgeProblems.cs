using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Functions.Http;

namespace Mellanrum.Hub.Local;

/// <summary>
/// What Hub.Local itself answers, as the function classes answer: problem details. A path no function serves (404), a
/// method its route does not take (405, with <c>Allow</c>), an exception no function caught (500, never its message),
/// and what Kestrel refuses before any of this runs (<see cref="KestrelRefusals"/>). In Azure the Functions host and its
/// front end answer these itself; the function classes' own answers are the same in both hosts.
/// </summary>
public static class EdgeProblems
{
    /// <summary>The problem for an answer that has a status and nothing else to say.</summary>
    public static Problem For(int status) => status switch
    {
        400 => Problem.BadRequest("The request is not HTTP the server can read (its request line, a header, or the framing of its body); it was refused before it reached the hub."),
        404 => Problem.NotFound("Nothing is served at this path: the API's routes are in its OpenAPI document at /api/v1/openapi."),
        405 => new Problem(405, "Method not allowed", "This path does not take this method: the Allow header lists the ones it takes.", []),
        408 => new Problem(408, "Request timeout", "The request came too slowly: send its headers and body at once.", []),
        411 => new Problem(411, "Length required", "Send the body with a Content-Length or chunked.", []),
        413 => new Problem(413, "Payload too large", "The body is larger than the server accepts.", []),
        414 => new Problem(414, "URI too long", "The request line is longer than the server accepts.", []),
        431 => new Problem(431, "Request header fields too large", "The request has more headers, or larger ones, than the server accepts.", []),
        // Kestrel's 505 for an HTTP version it does not speak (HTTP/1.2, HTTP/3.0 in text, a lowercase http/1.1): the
        // request is the client's mistake, and the hub answers no request with a 5xx.
        505 => Problem.BadRequest("The request names an HTTP version the server does not speak: send HTTP/1.1."),
        >= 500 => new Problem(500, "Internal server error", "The hub could not answer this request. Nothing was stored unless an earlier answer said so; try again later.", []),
        _ => new Problem(status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason : "Refused", "The request was refused before it reached the hub.", []),
    };

    /// <summary>
    /// Problem details for an exception no function caught (the server's status for a request it refused, else 500) and
    /// for every answer of 400 or more that has no body yet (a path or method no route takes).
    /// </summary>
    public static void UseEdgeProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            ExceptionHandler = context => new ProblemResult(For(context.Response.StatusCode)).ExecuteAsync(context),
        });
        app.UseStatusCodePages(context => new ProblemResult(For(context.HttpContext.Response.StatusCode)).ExecuteAsync(context.HttpContext));
    }
}

using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// Answers written with the contract's JSON options, and problems as problem details; every one with the
/// <c>traceparent</c> of the span that served it (<see cref="TraceResponse"/>). Function classes answer through these.
/// </summary>
#pragma warning disable RS0030 // The one place that may use Results: each answer here is stamped with its traceparent.
public static class HubResults
{
    public static IResult Json<T>(T value, int status = 200) => TraceResponse.Around(Results.Json(value, HubJson.Options, statusCode: status));

    public static IResult Text(string content, string contentType, System.Text.Encoding? encoding = null) =>
        TraceResponse.Around(Results.Text(content, contentType, encoding));

    public static IResult Bytes(ReadOnlyMemory<byte> content, string contentType) => TraceResponse.Around(Results.Bytes(content, contentType));

    public static IResult NoContent() => TraceResponse.Around(Results.NoContent());

    public static IResult Status(int status) => TraceResponse.Around(Results.StatusCode(status));

    /// <summary>A 308 (permanent, the method kept) to <paramref name="location"/>.</summary>
    public static IResult PermanentRedirect(string location) => TraceResponse.Around(Results.Redirect(location, permanent: true, preserveMethod: true));

    public static IResult Accepted(string location, object value) => new AcceptedWithBody(location, value);

    public static IResult Problem(Problem problem) => new ProblemResult(problem);

    /// <summary>What an administrative change came to: 201 created, 200 updated, 422 with every failing field, 404.</summary>
    public static IResult Outcome<T>(AdminOutcome<T> outcome, string notFound = "Not found.") => outcome switch
    {
        AdminOutcome<T>.Created c => Json(c.Value, StatusCodes.Status201Created),
        AdminOutcome<T>.Updated u => Json(u.Value),
        AdminOutcome<T>.Invalid i => Problem(Foundation.Problem.Invalid(i.Errors)),
        _ => Problem(Foundation.Problem.NotFound(notFound)),
    };

    private sealed class AcceptedWithBody(string location, object value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            TraceResponse.Stamp(httpContext);
            httpContext.Response.Headers.Location = location;
            return Results.Json(value, HubJson.Options, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext);
        }
    }
}
#pragma warning restore RS0030

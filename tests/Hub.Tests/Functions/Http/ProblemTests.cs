using System.Text.Json;
using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Tests.Functions.Http;

public sealed class ProblemTests
{
    private static async Task<(HttpResponse Response, JsonElement Body)> ExecuteAsync(Problem problem)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await new ProblemResult(problem).ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response, JsonDocument.Parse(context.Response.Body).RootElement.Clone());
    }

    public static TheoryData<string, int> EveryErrorStatus => new()
    {
        { "bad-request", 400 },
        { "unauthorized", 401 },
        { "not-found", 404 },
        { "too-large", 413 },
        { "unsupported", 415 },
        { "invalid", 422 },
        { "too-many", 429 },
        { "unavailable", 503 },
    };

    private static Problem Make(string name) => name switch
    {
        "bad-request" => Problem.BadRequest("The body is not valid UTF-8 JSON."),
        "unauthorized" => Problem.Unauthorized(),
        "not-found" => Problem.NotFound("No update with that id."),
        "too-large" => Problem.TooLarge(256 * 1024),
        "unsupported" => Problem.UnsupportedMediaType("text/plain"),
        "invalid" => Problem.Invalid([new InvalidParameter("title", "Required.")]),
        "too-many" => Problem.TooManyRequests(TimeSpan.FromSeconds(2.5)),
        _ => Problem.Unavailable("Storage is not reachable."),
    };

    [Theory]
    [MemberData(nameof(EveryErrorStatus))]
    public async Task ExecuteAsync_EveryErrorStatus_WritesProblemJsonWithTypeTitleStatusDetail(string name, int status)
    {
        var (response, body) = await ExecuteAsync(Make(name));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task ExecuteAsync_Invalid_ListsEveryFailingFieldWithReasonAndValue()
    {
        var (_, body) = await ExecuteAsync(Problem.Invalid(
        [
            new InvalidParameter("occurredAt", "Must be an RFC 3339 time.", "igår"),
            new InvalidParameter("kind", "Required."),
        ]));
        var invalid = body.GetProperty("invalid-parameters").EnumerateArray().ToArray();
        Assert.Equal(["occurredAt", "kind"], invalid.Select(p => p.GetProperty("property").GetString()));
        Assert.Equal("igår", invalid[0].GetProperty("value").GetString());
        Assert.False(invalid[1].TryGetProperty("value", out _));
    }

    [Fact]
    public async Task ExecuteAsync_TooManyRequests_SetsRetryAfterInWholeSeconds()
    {
        var (response, _) = await ExecuteAsync(Problem.TooManyRequests(TimeSpan.FromSeconds(2.5)));
        Assert.Equal("3", response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task UnsupportedMediaType_LongHostileContentType_IsEchoedCutAndClean()
    {
        var (_, body) = await ExecuteAsync(Problem.UnsupportedMediaType("text/" + new string('x', 200) + "\u0007"));
        var detail = body.GetProperty("detail").GetString()!;
        Assert.False(detail.Contains('\u0007', StringComparison.Ordinal));
        Assert.True(detail.Length < 250);
    }
}

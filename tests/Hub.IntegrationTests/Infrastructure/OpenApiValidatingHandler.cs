namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>An answer of the hub that is not what its OpenAPI document says.</summary>
public sealed class OpenApiViolationException(string message) : Exception(message);

/// <summary>
/// Checks every answer an integration test gets from the hub against the OpenAPI document, its traceparent too (see
/// <see cref="OpenApiContract"/>), failing the request loudly with the path and the schema error. The body is buffered,
/// so the test reads it as before.
/// </summary>
public sealed class OpenApiValidatingHandler(OpenApiContract contract) : DelegatingHandler(new HttpClientHandler())
{
    public OpenApiValidatingHandler()
        : this(OpenApiContract.Hub)
    {
    }

    /// <summary>A client for a hub at <paramref name="baseAddress"/> whose every answer is checked.</summary>
    public static HttpClient Client(Uri baseAddress, TimeSpan? timeout = null) =>
        new(new OpenApiValidatingHandler()) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = contract.Check(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body)
            ?? contract.CheckTraceParent(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Headers.TryGetValues("traceparent", out var trace) ? trace.Single() : null);
        if (problem is not null)
        {
            response.Dispose();
            throw new OpenApiViolationException(problem);
        }

        return response;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// HTTP functions through the worker's ASP.NET Core integration, as under the Functions host: the request goes to the
/// worker's HttpUri with x-ms-invocation-id while the InvocationRequest goes over gRPC. Each answer is compared with
/// what Hub.Local answers for the same request.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class HttpTests(WorkerFixture fixture)
{
    [Theory]
    [InlineData("GetHealth", "/api/v1/health")]
    [InlineData("GetApiInfo", "/api/v1/api-info")]
    [InlineData("GetOpenApi", "/api/v1/openapi")]
    [InlineData("GetOpenApiJson", "/api/v1/openapi.json")]
    public async Task MetaEndpoint_AnswersThroughTheWorker_AsThroughHubLocal(string function, string path)
    {
        using var worker = await fixture.Worker.InvokeHttpAsync(function, WorkerFixture.Request(HttpMethod.Get, path));
        using var local = await fixture.HubLocalClient.SendAsync(WorkerFixture.Request(HttpMethod.Get, path));

        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        await AssertSameAnswerAsync(local, worker);
    }

    [Fact]
    public async Task Health_SaysStorageIsReachable()
    {
        using var response = await fixture.Worker.InvokeHttpAsync("GetHealth", WorkerFixture.Request(HttpMethod.Get, "/api/v1/health"));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task ApiInfo_NamesTheApi()
    {
        using var response = await fixture.Worker.InvokeHttpAsync("GetApiInfo", WorkerFixture.Request(HttpMethod.Get, "/api/v1/api-info"));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mellanrum-hub", body.GetProperty("apiName").GetString());
        Assert.Equal("/api/v1/openapi", body.GetProperty("apiDocumentation").GetString());
    }

    [Fact]
    public async Task AdminRoute_WithoutKey_Answers401ProblemJson_AsHubLocal()
    {
        const string path = "/api/v1/admin/sources/no-key-source";
        var body = new { organisation = "0182", name = "No key" };
        using var worker = await fixture.Worker.InvokeHttpAsync("PutSource", WorkerFixture.Request(HttpMethod.Put, path, content: JsonContent.Create(body)));
        using var local = await fixture.HubLocalClient.SendAsync(WorkerFixture.Request(HttpMethod.Put, path, content: JsonContent.Create(body)));

        Assert.Equal(HttpStatusCode.Unauthorized, worker.StatusCode);
        Assert.Equal("application/problem+json", worker.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await worker.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.Contains("Bearer", worker.Headers.WwwAuthenticate.ToString());
        await AssertSameAnswerAsync(local, worker);
    }

    [Fact]
    public async Task AdminRoute_WithKey_RegistersTheSourceNamedInTheRoute_ThenReadsItsRejections()
    {
        using var put = await fixture.Worker.InvokeHttpAsync(
            "PutSource",
            WorkerFixture.Request(HttpMethod.Put, "/api/v1/admin/sources/worker-route-source", WorkerFixture.AdminKey, JsonContent.Create(new { organisation = "0182", name = "Route values" })));

        Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        var source = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("worker-route-source", source.GetProperty("id").GetString());
        Assert.StartsWith("whsec_", source.GetProperty("secret").GetString());

        using var rejections = await fixture.Worker.InvokeHttpAsync(
            "ListRejections",
            WorkerFixture.Request(HttpMethod.Get, "/api/v1/sources/worker-route-source/rejections", WorkerFixture.AdminKey));
        Assert.Equal(HttpStatusCode.OK, rejections.StatusCode);
        Assert.Empty((await rejections.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray());
    }

    private static async Task AssertSameAnswerAsync(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.Content.Headers.ContentType?.ToString(), actual.Content.Headers.ContentType?.ToString());
        Assert.Equal(await expected.Content.ReadAsStringAsync(), await actual.Content.ReadAsStringAsync());
    }
}

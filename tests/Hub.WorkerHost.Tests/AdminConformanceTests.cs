using System.Net;

namespace Mellanrum.Hub.WorkerHost.Tests;

/// <summary>
/// The admin check on every admin route: every function whose route starts with <c>api/v1/admin/</c> in
/// <c>functions.metadata</c>, without a key and with a wrong one, answers 401 problem details through the worker,
/// exactly as through Hub.Local.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class AdminConformanceTests(WorkerFixture fixture)
{
    public static TheoryData<string, string> AdminRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (var function in FunctionsMetadata.All.Where(f => f.IsAdmin))
        {
            data.Add(function.Name, "no key");
            data.Add(function.Name, "wrong key");
        }

        return data;
    }

    [Fact]
    public void TheAdminRoutes_AreFoundInTheMetadata()
    {
        Assert.Contains(FunctionsMetadata.All, f => f.IsAdmin && f.Name == "PutSource");
        Assert.True(FunctionsMetadata.All.Count(f => f.IsAdmin) >= 6);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task AdminRoute_Answers401ProblemJson_ThroughTheWorker_AsThroughHubLocal(string function, string credential)
    {
        var written = FunctionsMetadata.Named(function);
        var method = new HttpMethod(written.Methods[0].ToUpperInvariant());
        var path = written.Path(parameter => parameter == "month" ? "2026-03" : "conformance-admin-" + parameter.ToLowerInvariant());
        var key = credential == "wrong key" ? WorkerFixture.AdminKey + "-wrong" : null;
        var body = method == HttpMethod.Get ? null : """{"organisation":"0182","name":"Konformans"}""";

        var (worker, local) = await fixture.Pair.HttpAsync(function, method, path, key, body);

        Assert.Equal(HttpStatusCode.Unauthorized, worker.Status);
        Assert.Equal("application/problem+json", worker.MediaType);
        Assert.Equal("Bearer", worker.Header("WWW-Authenticate"));
        Assert.Equal(path, worker.Json.GetProperty("instance").GetString());
        Assert.Equal(local.Render(), worker.Render());
    }
}

using Mellanrum.Hub.Functions.Http;
using Mellanrum.Hub.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace Mellanrum.Hub.Functions;

/// <summary>The Azure Functions worker host: ASP.NET Core integration and the hub's one composition root.</summary>
public static class FunctionsHost
{
    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddHub(builder.Configuration).AddHubHttp();
        return builder.Build();
    }
}

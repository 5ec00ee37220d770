using System.Net;
using Grpc.Core;
using Mellanrum.Hub.WorkerHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>Kestrel on 127.0.0.1 at a free port, HTTP/2 cleartext, serving <c>FunctionRpc.EventStream</c> for one worker.</summary>
internal sealed class RpcServer(WebApplication app, Uri uri, WorkerChannel channel) : IAsyncDisposable
{
    public Uri Uri { get; } = uri;

    public WorkerChannel Channel { get; } = channel;

    public static async Task<RpcServer> StartAsync(int maxMessageLength, ILogger logger, CancellationToken cancellationToken)
    {
        var channel = new WorkerChannel(logger);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = maxMessageLength;
            grpc.MaxSendMessageSize = maxMessageLength;
        });
        builder.Services.AddSingleton(channel);

        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        logger.LogInformation("Function RPC server listening on {RpcUri}", uri);
        return new RpcServer(app, uri, channel);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(limit.Token);
        await app.DisposeAsync();
    }

    private sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
            channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}

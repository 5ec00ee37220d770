using System.Net;
using System.Net.Sockets;
using Mellanrum.Hub.Partners;

namespace Mellanrum.Hub.Delivery.Webhooks;

/// <summary>Resolves a webhook host name to addresses; <see cref="System"/> asks DNS, tests give a fixed answer.</summary>
public sealed class WebhookAddressResolver(Func<string, CancellationToken, Task<IPAddress[]>> resolve)
{
    public static WebhookAddressResolver System { get; } = new(Dns.GetHostAddressesAsync);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => resolve(host, cancellationToken);
}

/// <summary>A webhook connection was refused because the host resolved to an address the hub must not reach.</summary>
public sealed class WebhookTargetRefusedException(string reason) : IOException(reason);

/// <summary>
/// The primary handler of the webhook client. The host is resolved once per connection, every address is checked
/// with <see cref="WebhookTargetValidator.CheckAddress"/> (one forbidden address refuses the host: a name that mixes
/// public and private answers is a rebinding attempt) and the socket is opened to a checked address, so DNS
/// rebinding cannot reach an internal address. TLS (SNI, certificate name) and the Host header keep the original
/// host name because <see cref="SocketsHttpHandler"/> layers them on the stream returned here.
/// </summary>
internal static class WebhookConnector
{
    public static SocketsHttpHandler CreateHandler(WebhookTargetValidator validator, WebhookAddressResolver resolver) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false, // a proxy would connect on our behalf and bypass the address check
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxResponseHeadersLength = 64, // KiB
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, validator, resolver, cancellationToken),
    };

    public static async ValueTask<Stream> ConnectAsync(
        DnsEndPoint endPoint, WebhookTargetValidator validator, WebhookAddressResolver resolver, CancellationToken cancellationToken)
    {
        var addresses = await ResolvePermittedAsync(endPoint.Host, validator, resolver, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                last = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The addresses of <paramref name="host"/>, all of them permitted, or a <see cref="WebhookTargetRefusedException"/>.</summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolvePermittedAsync(
        string host, WebhookTargetValidator validator, WebhookAddressResolver resolver, CancellationToken cancellationToken)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var address)
            ? [address]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var permitted = new List<IPAddress>(addresses.Length);
        foreach (var candidate in addresses)
        {
            var decision = validator.CheckAddress(candidate);
            if (!decision.IsAllowed)
            {
                throw new WebhookTargetRefusedException(decision.Reason ?? "the address is not allowed");
            }

            permitted.Add(candidate.IsIPv4MappedToIPv6 ? candidate.MapToIPv4() : candidate);
        }

        return permitted;
    }
}

using System.Net.Sockets;
using System.Text;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>One answer read off a socket: what a client that sent exactly those bytes would see.</summary>
public sealed record RawAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();
}

/// <summary>
/// A client for what <see cref="HttpClient"/> refuses to send (a NUL or CR in a header, bytes that are not ASCII in the
/// path, line folding, an HTTP version of its own, a body trickled a byte at a time): the request's bytes are written
/// as they are, while the answer is read at the same time (a server may answer a body it will not take before it is
/// sent whole, and close the connection on the rest).
/// </summary>
public static class RawHttp
{
    /// <summary>How a body is written after the head: at once, a byte at a time with a pause, or the first bytes and then nothing.</summary>
    public sealed record Writing(byte[] Body, TimeSpan? Pause = null, int? StopAfter = null);

    public static async Task<RawAnswer> SendAsync(Uri server, byte[] head, Writing? body, TimeSpan timeout, bool headRequest = false)
    {
        using var client = new TcpClient { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout);
        await client.ConnectAsync(server.Host, server.Port, deadline.Token);
        var stream = client.GetStream();
        var writing = WriteAsync(stream, head, body, deadline.Token);
        try
        {
            return await ReadAnswerAsync(stream, headRequest, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No whole answer within {timeout.TotalSeconds} s.");
        }
        finally
        {
            client.Close();
            await writing;
        }
    }

    /// <summary>Writes, and stops quietly when the server has closed (it answered, or gave up on the request).</summary>
    private static async Task WriteAsync(NetworkStream stream, byte[] head, Writing? body, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(head, cancellationToken);
            if (body is null)
            {
                return;
            }

            var bytes = body.StopAfter is { } stop ? body.Body.AsMemory(0, Math.Min(stop, body.Body.Length)) : body.Body;
            if (body.Pause is not { } pause)
            {
                await stream.WriteAsync(bytes, cancellationToken);
                return;
            }

            for (var i = 0; i < bytes.Length; i++)
            {
                await stream.WriteAsync(bytes.Slice(i, 1), cancellationToken);
                await Task.Delay(pause, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static async Task<RawAnswer> ReadAnswerAsync(NetworkStream stream, bool noBody, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[16 * 1024];
        var headEnd = -1;
        while (headEnd < 0)
        {
            var read = await ReadSomeAsync(stream, chunk, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The connection closed before an answer's head ({buffer.Count} bytes: {Encoding.ASCII.GetString(buffer.ToArray())}).");
            }

            buffer.AddRange(chunk.AsSpan(0, read));
            headEnd = IndexOf(buffer, "\r\n\r\n"u8);
        }

        var headText = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lines = headText.Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        var status = int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => KeyValuePair.Create(p[0].Trim(), p.Length > 1 ? p[1].Trim() : string.Empty)).ToList();
        var rest = buffer.GetRange(headEnd + 4, buffer.Count - headEnd - 4);
        var answer = new RawAnswer(status, headers, []);
        if (noBody || status is 204 or 304)
        {
            return answer;
        }

        if (answer.Header("Content-Length") is { } declared)
        {
            var length = int.Parse(declared, System.Globalization.CultureInfo.InvariantCulture);
            while (rest.Count < length)
            {
                var read = await ReadSomeAsync(stream, chunk, cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"The connection closed after {rest.Count} of {length} body bytes.");
                }

                rest.AddRange(chunk.AsSpan(0, read));
            }

            return answer with { Body = rest.GetRange(0, length).ToArray() };
        }

        if (answer.Header("Transfer-Encoding") is { } coding && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            // Enough for the answers here: read to the last chunk, then keep the data of every chunk.
            while (IndexOf(rest, "\r\n0\r\n\r\n"u8) < 0 && IndexOf(rest, "0\r\n\r\n"u8) != 0)
            {
                var read = await ReadSomeAsync(stream, chunk, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                rest.AddRange(chunk.AsSpan(0, read));
            }

            return answer with { Body = Unchunk(rest.ToArray()) };
        }

        // Neither: the body runs to the end of the connection.
        while (await ReadSomeAsync(stream, chunk, cancellationToken) is var read and > 0)
        {
            rest.AddRange(chunk.AsSpan(0, read));
        }

        return answer with { Body = rest.ToArray() };
    }

    /// <summary>A read that takes a reset after the answer as the end of the connection.</summary>
    private static async Task<int> ReadSomeAsync(NetworkStream stream, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(chunk, cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return 0;
        }
    }

    private static byte[] Unchunk(byte[] chunked)
    {
        var body = new List<byte>();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            body.AddRange(chunked.AsSpan(at, Math.Min(size, chunked.Length - at)));
            at += size + 2;
        }

        return body.ToArray();
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);
}

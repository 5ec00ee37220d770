using Mellanrum.Hub.Foundation;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Connections;

namespace Mellanrum.Hub.Local;

/// <summary>
/// Problem details for what Kestrel refuses before any middleware runs: a request line or header it cannot parse (a NUL,
/// a bare CR, obsolete line folding, bytes that are not ASCII), an HTTP version it does not speak, a request line or
/// headers over its limits, headers that come too slowly. Kestrel answers those itself with a bare
/// <c>HTTP/1.1 400 Bad Request</c> (<c>Content-Length: 0</c>, <c>Connection: close</c>), and neither middleware nor
/// <c>KestrelServerOptions</c> can change that answer (dotnet/aspnetcore#4726; aspnet/KestrelHttpServer#2947: "this
/// category of errors is not customisable"). So this connection middleware, which sits between Kestrel's HTTP layer and
/// the socket, looks at each write: one that is a whole header-only answer of 400 or more with <c>Content-Length: 0</c>
/// (what no function writes: every function's refusal has a problem body) is sent as the same answer with a problem body
/// (<see cref="EdgeProblems.For"/>; its <c>instance</c> is <c>/</c>, as the path could not be read). Every other byte
/// goes through as it was written. It wraps plain HTTP connections, as Hub.Local serves them; behind TLS it would see
/// only ciphertext and change nothing.
/// </summary>
public static class KestrelRefusals
{
    /// <summary>Longer than any header-only refusal Kestrel writes (status line, Content-Length, Connection, Date, Server).</summary>
    private const int MaxRefusalLength = 1024;

    /// <summary>The connection middleware: <c>listenOptions.Use(KestrelRefusals.Middleware)</c>.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        var output = PipeWriter.Create(new RewritingStream(transport.Output), new StreamPipeWriterOptions(leaveOpen: true));
        connection.Transport = new DuplexPipe(transport.Input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            await output.CompleteAsync();
            connection.Transport = transport;
        }
    };

    /// <summary>A bare refusal (the whole of <paramref name="written"/>) as problem details; null for anything else.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        var end = "\r\n\r\n"u8;
        if (written.Length > MaxRefusalLength
            || !written.StartsWith("HTTP/1.1 "u8)
            || written.IndexOf(end) != written.Length - end.Length
            || !Utf8Parser.TryParse(written.Slice(9, 3), out int status, out var consumed)
            || consumed != 3
            || status < 400)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(written[..^end.Length]).Split("\r\n")[1..];
        if (!lines.Any(l => l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var problem = EdgeProblems.For(status);
        var body = JsonSerializer.SerializeToUtf8Bytes(ProblemBody.Of(problem, "/"), HubJson.Options);
        var head = new StringBuilder($"HTTP/1.1 {problem.Status} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status)}\r\n");
        foreach (var line in lines.Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(line).Append("\r\n");
        }

        head.Append("Content-Type: ").Append(ProblemResult.ContentType).Append("\r\n");
        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>Writes through to the connection, each write whole, a bare refusal as its problem-details form.</summary>
    private sealed class RewritingStream(PipeWriter connection) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var rewritten = Rewrite(buffer.Span);
            var result = await connection.WriteAsync(rewritten is null ? buffer : rewritten, cancellationToken);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task FlushAsync(CancellationToken cancellationToken) => await connection.FlushAsync(cancellationToken);

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

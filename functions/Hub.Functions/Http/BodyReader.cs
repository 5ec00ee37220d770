using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Functions.Http;

/// <summary>
/// Reads a request body up to a limit, stopping as soon as it is crossed: never buffers more than the limit. A body
/// sent with <c>Content-Encoding: gzip</c> or <c>br</c> is decompressed while it is read and the limit applies to the
/// decompressed bytes, so a zip bomb stops a little past the limit; any other encoding is refused. A body the server
/// could not read (broken chunked framing, one that comes too slowly) is the server's 4xx as a problem, never an
/// unhandled exception.
/// </summary>
public static class BodyReader
{
    /// <summary>
    /// The body (decompressed), or the problem: 413 past the limit, 415 for an unknown encoding, 400 for a broken one, and
    /// the server's own status (400, 408, 413) when it refused the body while it was read.
    /// </summary>
    public static async Task<(ReadOnlyMemory<byte> Body, Problem? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var encodings = request.Headers.ContentEncoding.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (encodings.Length > 1 || (encodings.Length == 1 && encodings[0].ToLowerInvariant() is not ("gzip" or "br")))
        {
            return (default, new Problem(415, "Unsupported media type", $"Content-Encoding '{Ids.Echo(string.Join(", ", encodings))}' is not accepted: send the body as it is, or with gzip or br.", []));
        }

        var encoding = encodings.Length == 1 ? encodings[0].ToLowerInvariant() : null;
        if (encoding is null && request.ContentLength > maxBytes)
        {
            return (default, Problem.TooLarge(maxBytes));
        }

        await using var body = encoding switch
        {
            "gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => (Stream?)null,
        };
        var source = body ?? request.Body;
        var buffer = new ArrayBufferWriter<byte>(encoding is null && request.ContentLength is { } length and > 0 ? (int)length : 4096);
        try
        {
            while (true)
            {
                var span = buffer.GetMemory(8192)[..8192];
                var read = await source.ReadAsync(span, cancellationToken);
                if (read == 0)
                {
                    return (buffer.WrittenMemory, null);
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    return (default, Problem.TooLarge(maxBytes));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException || (e is InvalidOperationException && encoding == "br"))
        {
            // GZipStream says InvalidDataException; BrotliStream says InvalidOperationException ("Decoder ran into invalid data").
            return (default, Problem.BadRequest($"The body is not valid {encoding} data, as its Content-Encoding says."));
        }
        catch (BadHttpRequestException e)
        {
            return (default, Unreadable(e.StatusCode));
        }
        catch (IOException)
        {
            // What Kestrel throws for some broken framing instead (a chunk size past 2^63: "Bad chunk size data"), and
            // what a connection that broke mid-body gives; in either case the body cannot be read.
            return (default, Unreadable(StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>What the server said of a body it would not hand over (never its message, which may quote the request).</summary>
    private static Problem Unreadable(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => new Problem(408, "Request timeout", "The body came too slowly; send it at once.", []),
        StatusCodes.Status413PayloadTooLarge => new Problem(413, "Payload too large", "The body is larger than the server accepts.", []),
        _ => Problem.BadRequest("The body could not be read: its framing (Content-Length or chunked transfer coding) is broken."),
    };
}

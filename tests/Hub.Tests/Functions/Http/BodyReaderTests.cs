using Mellanrum.Hub.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Mellanrum.Hub.Tests.Functions.Http;

public sealed class BodyReaderTests
{
    /// <summary>A body that never ends, counting what was read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'a', offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task ReadAsync_EndlessChunkedBody_StopsJustPastTheLimit()
    {
        var stream = new EndlessStream();
        var context = new DefaultHttpContext();
        context.Request.Body = stream;
        var (_, problem) = await BodyReader.ReadAsync(context.Request, 256 * 1024, CancellationToken.None);
        Assert.Equal(413, problem!.Status);
        Assert.InRange(stream.BytesRead, 256 * 1024, 256 * 1024 + 8192);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverLimit_RefusesWithoutReading()
    {
        var stream = new EndlessStream();
        var context = new DefaultHttpContext();
        context.Request.Body = stream;
        context.Request.ContentLength = 300 * 1024;
        Assert.Equal(413, (await BodyReader.ReadAsync(context.Request, 256 * 1024, CancellationToken.None)).Problem!.Status);
        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_BodyExactlyAtLimit_IsAccepted()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[1024]);
        var (body, problem) = await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None);
        Assert.Null(problem);
        Assert.Equal(1024, body.Length);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task ReadAsync_CompressedBody_IsDecompressed(string encoding)
    {
        var json = System.Text.Encoding.UTF8.GetBytes("""{"title":"Beslut om gemensam upphandling av e-arkiv"}""");
        var context = new DefaultHttpContext();
        context.Request.Headers.ContentEncoding = encoding;
        context.Request.Body = new MemoryStream(Compress(json, encoding));

        var (body, problem) = await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(json, body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_ZipBomb_Is413AfterReadingLittleMoreThanTheLimit()
    {
        // 10 MB of zeros, gzipped to a few kilobytes.
        var bomb = Compress(new byte[10 * 1024 * 1024], "gzip");
        var counting = new CountingStream(new MemoryStream(bomb));
        var context = new DefaultHttpContext();
        context.Request.Headers.ContentEncoding = "gzip";
        context.Request.Body = counting;

        var (_, problem) = await BodyReader.ReadAsync(context.Request, 256 * 1024, CancellationToken.None);

        Assert.Equal(413, problem!.Status);
        Assert.True(counting.BytesRead < bomb.Length, $"read {counting.BytesRead} of {bomb.Length} compressed bytes");
    }

    [Theory]
    [InlineData("deflate", 415)]
    [InlineData("gzip, br", 415)]
    [InlineData("compress", 415)]
    public async Task ReadAsync_OtherEncodings_Are415(string encoding, int status)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.ContentEncoding = encoding;
        context.Request.Body = new MemoryStream("{}"u8.ToArray());

        Assert.Equal(status, (await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None)).Problem!.Status);
    }

    [Fact]
    public async Task ReadAsync_ClaimsGzipButIsNot_Is400()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.ContentEncoding = "gzip";
        context.Request.Body = new MemoryStream("""{"title":"x"}"""u8.ToArray());

        Assert.Equal(400, (await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None)).Problem!.Status);
    }

    [Fact]
    public async Task ReadAsync_ClaimsBrotliButIsGzip_Is400()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.ContentEncoding = "br";
        context.Request.Body = new MemoryStream(Compress(new byte[64 * 1024], "gzip"));

        Assert.Equal(400, (await BodyReader.ReadAsync(context.Request, 1024 * 1024, CancellationToken.None)).Problem!.Status);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    [InlineData(413)]
    public async Task ReadAsync_ServerRefusesTheBody_IsItsStatusAsAProblem_WithoutItsMessage(int status)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new RefusingStream(new BadHttpRequestException("Bad chunk size data: 'ZZ' quoted from the request.", status));

        var problem = (await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None)).Problem!;

        Assert.Equal(status, problem.Status);
        Assert.DoesNotContain("quoted", problem.Detail, StringComparison.Ordinal);
    }

    internal static byte[] Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "br"
                   ? new System.IO.Compression.BrotliStream(output, System.IO.Compression.CompressionLevel.Fastest)
                   : new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>A body the server refuses while it is read, as Kestrel does for broken framing or a body too slow.</summary>
    private sealed class RefusingStream(Exception refusal) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw refusal;

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

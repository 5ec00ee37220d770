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
        var body = await BodyReader.ReadAsync(context.Request, 256 * 1024, CancellationToken.None);
        Assert.Null(body);
        Assert.InRange(stream.BytesRead, 256 * 1024, 256 * 1024 + 8192);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverLimit_RefusesWithoutReading()
    {
        var stream = new EndlessStream();
        var context = new DefaultHttpContext();
        context.Request.Body = stream;
        context.Request.ContentLength = 300 * 1024;
        Assert.Null(await BodyReader.ReadAsync(context.Request, 256 * 1024, CancellationToken.None));
        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_BodyExactlyAtLimit_IsAccepted()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[1024]);
        var body = await BodyReader.ReadAsync(context.Request, 1024, CancellationToken.None);
        Assert.Equal(1024, body!.Value.Length);
    }
}

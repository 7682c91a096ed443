using System.Text;

namespace MtaKit.Core.Tests.Client;

public sealed class SmtpReplyReaderTests
{
    private static SmtpReplyReader CreateSut(string wire) => new(new MemoryStream(Encoding.UTF8.GetBytes(wire)));

    [Fact]
    public async Task ReadAsync_MultiLineWithEnhancedCode_StripsCodeFromEveryLine()
    {
        var reply = await CreateSut("550-5.1.1 No such user\r\n550 5.1.1 here\r\n").ReadAsync(default);
        Assert.Equal(550, reply.Code);
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), reply.EnhancedCode);
        Assert.Equal(["No such user", "here"], reply.Lines);
    }

    [Fact]
    public async Task ReadAsync_NoEnhancedCode_KeepsText()
    {
        var reply = await CreateSut("250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n").ReadAsync(default);
        Assert.Null(reply.EnhancedCode);
        Assert.Equal(["mx.example", "PIPELINING", "SIZE 100"], reply.Lines);
    }

    [Fact]
    public async Task ReadAsync_EnhancedClassMismatch_KeepsItAsText()
    {
        var reply = await CreateSut("250 5.1.1 odd\r\n").ReadAsync(default);
        Assert.Null(reply.EnhancedCode);
        Assert.Equal("5.1.1 odd", reply.Text);
    }

    [Fact]
    public async Task ReadAsync_BareCodeAndLfOnly_Parses()
    {
        var sut = CreateSut("250\n354 go ahead\n");
        Assert.Equal(250, (await sut.ReadAsync(default)).Code);
        Assert.Equal("go ahead", (await sut.ReadAsync(default)).Text);
    }

    [Theory]
    [InlineData("hello\r\n")]
    [InlineData("25 x\r\n")]
    [InlineData("250x\r\n")]
    [InlineData("250-a\r\n251 b\r\n")]
    [InlineData("650 x\r\n")]
    public async Task ReadAsync_Malformed_ThrowsProtocolException(string wire)
        => await Assert.ThrowsAsync<SmtpClientProtocolException>(async () => await CreateSut(wire).ReadAsync(default));

    [Fact]
    public async Task ReadAsync_EndOfStream_ThrowsEndOfStream()
        => await Assert.ThrowsAsync<EndOfStreamException>(async () => await CreateSut("250-a\r\n").ReadAsync(default));

    [Fact]
    public async Task ReadAsync_OverlongLine_ThrowsProtocolException()
        => await Assert.ThrowsAsync<SmtpClientProtocolException>(async () => await CreateSut("250 " + new string('x', 20000) + "\r\n").ReadAsync(default));

    [Fact]
    public async Task ReadAsync_RepeatedOneLineReply_SameInstanceAndOthersUnchanged()
    {
        var sut = CreateSut("250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok.\r\n250 2.1.5 Ok\n550 5.1.1 Ok\r\n250-2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n");
        var first = await sut.ReadAsync(default);
        Assert.Same(first, await sut.ReadAsync(default));
        Assert.Equal("Ok.", (await sut.ReadAsync(default)).Text);
        var lfOnly = await sut.ReadAsync(default);
        Assert.Equal(first, lfOnly);
        var refused = await sut.ReadAsync(default);
        Assert.Equal((550, "Ok"), (refused.Code, refused.Text));
        Assert.Equal(["Ok", "Ok"], (await sut.ReadAsync(default)).Lines);
        Assert.Same(first, await sut.ReadAsync(default));
    }

    [Fact]
    public async Task ReadAsync_ManyOneOffRepliesBetweenRepeats_RepeatedReplyStaysCached()
    {
        var wire = new StringBuilder("250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n");
        for (var i = 0; i < 10; i++)
        {
            wire.Append("250 2.0.0 Ok: queued as Q").Append(i).Append("\r\n");
        }

        var sut = CreateSut(wire.Append("250 2.1.5 Ok\r\n").ToString());
        var first = await sut.ReadAsync(default);
        Assert.Same(first, await sut.ReadAsync(default));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("Ok: queued as Q" + i, (await sut.ReadAsync(default)).Text);
        }

        Assert.Same(first, await sut.ReadAsync(default));
    }

    [Fact]
    public async Task ReadAsync_RepliesArriveByteByByte_CachedReplyStillMatchesWholeLines()
    {
        var sut = new SmtpReplyReader(new TrickleStream(Encoding.UTF8.GetBytes("250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n250 2.0.0 Ok then\r\n250 2.0.0 Ok\r\n")));
        var first = await sut.ReadAsync(default);
        Assert.Equal("Ok", first.Text);
        Assert.Equal("Ok", (await sut.ReadAsync(default)).Text);
        Assert.Equal("Ok then", (await sut.ReadAsync(default)).Text);
        Assert.Equal(first, await sut.ReadAsync(default));
    }

    /// <summary>Hands out one byte per read, so that every line straddles reads.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}

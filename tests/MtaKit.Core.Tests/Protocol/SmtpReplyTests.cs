namespace MtaKit.Core.Tests.Protocol;

public sealed class SmtpReplyTests
{
    [Fact]
    public void ToWireString_SingleLine()
        => Assert.Equal("550 5.1.1 No such user\r\n", new SmtpReply(550, "5.1.1", "No such user").ToWireString());

    [Fact]
    public void ToWireString_MultiLine_DashesThenSpace()
        => Assert.Equal(
            "250-2.0.0 one\r\n250-2.0.0 two\r\n250 2.0.0 three\r\n",
            new SmtpReply(250, "2.0.0", "one", "two", "three").ToWireString());

    [Fact]
    public void ToWireString_NoEnhancedCode()
        => Assert.Equal("220-mx.test\r\n220 ready\r\n", new SmtpReply(220, (EnhancedStatusCode?)null, "mx.test", "ready").ToWireString());

    [Fact]
    public void ToWireString_NoLines_EmptyText()
        => Assert.Equal("334 \r\n", new SmtpReply(334, (EnhancedStatusCode?)null, []).ToWireString());

    public static TheoryData<SmtpReply> WireReplies() => new()
    {
        new SmtpReply(550, "5.1.1", "No such user"),
        new SmtpReply(250, "2.0.0", "one", "two", "three"),
        new SmtpReply(220, (EnhancedStatusCode?)null, "mx.test", "ready"),
        new SmtpReply(334, (EnhancedStatusCode?)null, []),
        new SmtpReply(452, "4.5.3", "Trop de destinataires: réessayez", "\u00fcber 😀"),
        new SmtpReply(554, new EnhancedStatusCode(5, 123, 999), new string('x', 5000)),
        new SmtpReply(250, "2.0.0", "lone surrogate \ud800 kept as U+FFFD"),
    };

    [Theory]
    [MemberData(nameof(WireReplies))]
    public void WriteTo_AnyReply_SameBytesAsToWireString(SmtpReply reply)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>(1);
        reply.WriteTo(writer);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(reply.ToWireString()), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ToString_OneLine()
    {
        Assert.Equal("550 5.7.1 a b", new SmtpReply(550, "5.7.1", "a", "b").ToString());
        Assert.Equal("a b", new SmtpReply(550, "5.7.1", "a", "b").Text);
    }

    [Theory]
    [InlineData(550, "4.7.1")]
    [InlineData(250, "5.0.0")]
    public void Ctor_ClassMismatch_Throws(int code, string enhanced)
        => Assert.Throws<ArgumentException>(() => new SmtpReply(code, enhanced, "x"));

    [Theory]
    [InlineData(199)]
    [InlineData(600)]
    public void Ctor_CodeOutOfRange_Throws(int code)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpReply(code, (EnhancedStatusCode?)null, "x"));

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    [InlineData("a\r")]
    public void Ctor_LineBreakInLine_Throws(string line)
        => Assert.Throws<ArgumentException>(() => new SmtpReply(550, "5.0.0", line));

    [Fact]
    public void Classification()
    {
        Assert.True(new SmtpReply(354, (EnhancedStatusCode?)null, "go").IsPositive);
        Assert.True(new SmtpReply(451, "4.3.0", "x").IsTransient);
        Assert.True(new SmtpReply(554, "5.6.0", "x").IsPermanent);
        Assert.Equal(new SmtpReply(554, "5.6.0", "x"), new SmtpReply(554, "5.6.0", "x"));
        Assert.NotEqual(new SmtpReply(554, "5.6.0", "x"), new SmtpReply(554, "5.6.1", "x"));
    }

    [Theory]
    [InlineData("2.0.0", 2, 0, 0)]
    [InlineData("5.7.11", 5, 7, 11)]
    [InlineData("4.999.999", 4, 999, 999)]
    public void EnhancedStatusCode_ParseAndFormat(string text, int c, int s, int d)
    {
        var code = EnhancedStatusCode.Parse(text);
        Assert.Equal((c, s, d), (code.Class, code.Subject, code.Detail));
        Assert.Equal(text, code.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("3.0.0")]
    [InlineData("5.0")]
    [InlineData("5.1000.0")]
    [InlineData("55.1.1")]
    [InlineData("5.1.1x")]
    [InlineData("5..1")]
    public void EnhancedStatusCode_Invalid(string text)
        => Assert.False(EnhancedStatusCode.TryParse(text, out _));

    [Fact]
    public void EnhancedStatusCode_TryParseAtStartOfReplyText()
    {
        Assert.True(EnhancedStatusCode.TryParse("5.1.1 User unknown".AsSpan(), out var code, out var length));
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), code);
        Assert.Equal(5, length);
    }
}

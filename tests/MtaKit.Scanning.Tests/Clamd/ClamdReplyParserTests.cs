namespace MtaKit.Scanning.Tests.Clamd;

public sealed class ClamdReplyParserTests
{
    [Theory]
    [InlineData("stream: OK\0")]
    [InlineData("stream: OK\n")]
    [InlineData("stream: OK")]
    [InlineData("1: stream: OK\0")]
    public void Parse_Ok_IsClean(string reply)
        => Assert.Equal(ScanVerdict.Clean, ClamdReplyParser.Parse(reply, "c", TimeSpan.Zero).Verdict);

    [Theory]
    [InlineData("stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0", "Eicar-Test-Signature.UNOFFICIAL")]
    [InlineData("stream: Win.Test.EICAR_HDB-1 FOUND\n", "Win.Test.EICAR_HDB-1")]
    [InlineData("2: stream: Test.MTA.String-1.UNOFFICIAL FOUND", "Test.MTA.String-1.UNOFFICIAL")]
    public void Parse_Found_IsInfectedWithSignatureName(string reply, string signature)
    {
        var result = ClamdReplyParser.Parse(reply, "clamd:x", TimeSpan.FromMilliseconds(3));

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.Equal(signature, result.SignatureName);
        Assert.Equal("clamd:x", result.Scanner);
        Assert.Equal(TimeSpan.FromMilliseconds(3), result.Elapsed);
    }

    [Fact]
    public void Parse_SizeLimitExceeded_IsTooLarge()
    {
        var result = ClamdReplyParser.Parse("INSTREAM size limit exceeded. ERROR\0", "c", TimeSpan.Zero);

        Assert.Equal(ScanVerdict.TooLarge, result.Verdict);
        Assert.Contains("size limit exceeded", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OtherError_IsTransientError()
    {
        var result = ClamdReplyParser.Parse("stream: Can't allocate memory ERROR\0", "c", TimeSpan.Zero);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.True(result.IsTransient);
        Assert.Contains("allocate memory", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0")]
    [InlineData("UNKNOWN COMMAND")]
    [InlineData("stream:  FOUND")]
    public void Parse_Unexpected_IsError(string reply)
        => Assert.Equal(ScanVerdict.Error, ClamdReplyParser.Parse(reply, "c", TimeSpan.Zero).Verdict);
}

namespace MtaKit.Queueing.Tests.Retry;

public sealed class RetryRuleSetTests
{
    private const string Rules = """
        # comment line

        mx.slow.example   timeout   F,1h,20m
        *.example.com     rcpt_4xx  F,4h,5m
        example.com       any       F,1d,2h
        *                 any       F,2h,15m; G,16h,1h,1.5; F,4d,6h
        """;

    [Theory]
    [InlineData("mx.slow.example", RetryErrorKind.Timeout, "F,1h,20m")]
    [InlineData("MX.SLOW.EXAMPLE.", RetryErrorKind.Timeout, "F,1h,20m")]
    [InlineData("mx.slow.example", RetryErrorKind.Refused, "F,2h,15m; G,16h,1h,1.5; F,4d,6h")]
    [InlineData("a.example.com", RetryErrorKind.Rcpt4xx, "F,4h,5m")]
    [InlineData("a.b.example.com", RetryErrorKind.Rcpt4xx, "F,4h,5m")]
    [InlineData("example.com", RetryErrorKind.Rcpt4xx, "F,1d,2h")]
    [InlineData("a.example.com", RetryErrorKind.Dns, "F,2h,15m; G,16h,1h,1.5; F,4d,6h")]
    [InlineData("notexample.com", RetryErrorKind.Rcpt4xx, "F,2h,15m; G,16h,1h,1.5; F,4d,6h")]
    public void Find_FirstMatchingRuleWins(string domain, RetryErrorKind kind, string expectedSchedule)
    {
        var set = RetryRuleSet.Parse(Rules);
        Assert.Equal(4, set.Rules.Count);
        Assert.Equal(expectedSchedule, set.Find(domain, kind)!.Schedule.ToString());
    }

    [Fact]
    public void Find_NoCatchAll_ReturnsNull()
    {
        var set = RetryRuleSet.Parse("example.com timeout F,1h,5m");
        Assert.Null(set.Find("example.org", RetryErrorKind.Timeout));
        Assert.Null(set.Find("example.com", RetryErrorKind.Dns));
    }

    [Theory]
    [InlineData("* any F,1h,5m\nexample..com any F,1h,5m", "line 2, column 1: expected a domain pattern ('*', 'example.com' or '*.example.com'), found 'example..com'")]
    [InlineData("* sometimes F,1h,5m", "line 1, column 3: expected an error kind (any, timeout, refused, dns, mail_4xx, rcpt_4xx, data_4xx, other), found 'sometimes'")]
    [InlineData("*", "line 1, column 2: expected an error kind after the domain pattern, found the end")]
    [InlineData("\r\n* any F,1h,5m\r\n* any F,1h,5", "line 3, column 13: expected a time unit")]
    public void Parse_Invalid_ThrowsWithLineAndColumn(string text, string expected)
    {
        var ex = Assert.Throws<RetryRuleFormatException>(() => RetryRuleSet.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

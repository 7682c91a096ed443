namespace MtaKit.Scanning.Tests.Stage;

public sealed class SpamHeadersTests
{
    private static SpamReport Report(double score, params string[] symbols)
        => new() { Score = score, RequiredScore = 5, IsSpam = score >= 5, Symbols = [.. symbols.Select(s => new SpamSymbol(s))] };

    [Fact]
    public void StatusValue_NoSymbols_SaysNone()
        => Assert.Equal("No, score=0.0 required=5.0 tests=none", SpamHeaders.StatusValue(false, Report(0), 5));

    [Fact]
    public void StatusValue_ManySymbols_FoldsAfterCommasWithinLineLength()
    {
        var symbols = Enumerable.Range(0, 30).Select(i => $"RULE_NUMBER_{i}").ToArray();

        var value = SpamHeaders.StatusValue(true, Report(1000, symbols), 5);

        var lines = ("X-Spam-Status: " + value).Split("\r\n");
        Assert.True(lines.Length > 3);
        Assert.All(lines, l => Assert.True(l.Length <= 78, l));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("\t", l, StringComparison.Ordinal));
        Assert.Equal("tests=" + string.Join(',', symbols), string.Concat(value.Replace("\r\n\t", "", StringComparison.Ordinal).Split(' ').Last()));
    }

    [Fact]
    public void StatusValue_SymbolsWithControlOrSeparatorCharacters_Dropped()
    {
        var value = SpamHeaders.StatusValue(true, Report(7, "GOOD_ONE", "BAD\r\nX-Injected: 1", "SPACE IN", "A,B", "GOOD_ONE"), 5);

        Assert.Equal("Yes, score=7.0 required=5.0 tests=GOOD_ONE", value);
    }

    [Theory]
    [InlineData(6.25, "6.3")]
    [InlineData(-1.26, "-1.3")]
    [InlineData(999.96, "1000.0")]
    public void ScoreValue_OneDecimalInvariant(double score, string expected)
        => Assert.Equal(expected, SpamHeaders.ScoreValue(Report(score)));
}

using System.Text;

namespace MtaKit.Scanning.Tests.Spamd;

public sealed class SpamdReplyParserTests
{
    private static ScanResult Parse(string reply, SpamdCommand command = SpamdCommand.Symbols)
        => SpamdReplyParser.Parse(Encoding.UTF8.GetBytes(reply), command, "spamd:x", TimeSpan.FromMilliseconds(5));

    [Fact]
    public void Parse_CheckSpam_IsSpamWithScores()
    {
        var result = Parse("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n\r\n", SpamdCommand.Check);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.Equal(1000.0, result.Spam!.Score);
        Assert.Equal(5.0, result.Spam.RequiredScore);
        Assert.True(result.Spam.IsSpam);
        Assert.Empty(result.Spam.Symbols);
    }

    [Fact]
    public void Parse_CheckHam_IsCleanWithReport()
    {
        var result = Parse("SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.0 / 5.0\r\n\r\n", SpamdCommand.Check);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.False(result.Spam!.IsSpam);
        Assert.Equal(0.0, result.Spam.Score);
    }

    [Fact]
    public void Parse_SymbolsWithoutFinalCrlf_ListsEverySymbol()
    {
        var result = Parse("SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS");

        Assert.Equal(["GTUBE", "NO_RECEIVED", "NO_RELAYS"], result.Spam!.Symbols.Select(s => s.Name));
    }

    [Fact]
    public void Parse_SymbolsWithFinalCrlf_ListsEverySymbol()
    {
        var result = Parse("SPAMD/1.1 0 EX_OK\r\nContent-length: 23\r\nSpam: False ; -0.0 / 5.0\r\n\r\nNO_RECEIVED,NO_RELAYS\r\n");

        Assert.Equal(["NO_RECEIVED", "NO_RELAYS"], result.Spam!.Symbols.Select(s => s.Name));
    }

    [Fact]
    public void Parse_Report_ReadsRuleScoresFromTheTable()
    {
        const string Body = "Spam detection software...\n\nContent analysis details:   (1000.0 points, 5.0 required)\n\n pts rule name              description\n"
            + "---- ---------------------- --------------------------------------------------\n"
            + "-0.0 NO_RECEIVED            Informational: message has no Received headers\n"
            + "1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email\n"
            + " 1.2 MISSING_DATE           Missing Date: header\n"
            + "                            continuation of a description\n\n";

        var result = Parse($"SPAMD/1.1 0 EX_OK\r\nContent-length: {Body.Length}\r\nSpam: True ; 1001.2 / 5.0\r\n\r\n{Body}", SpamdCommand.Report);

        Assert.Equal([new SpamSymbol("NO_RECEIVED", 0), new SpamSymbol("GTUBE", 1000), new SpamSymbol("MISSING_DATE", 1.2)], result.Spam!.Symbols);
        Assert.Equal(Body, result.Spam.Report);
    }

    [Fact]
    public void Parse_Headers_GivesSpamHeaderEditsAndFoldedTests()
    {
        const string Body = "Received: from localhost by vm\r\n\twith SpamAssassin (version 4.0.1);\r\nFrom: a@example.test\r\n"
            + "X-Spam-Flag: YES\r\nX-Spam-Level: ***\r\nX-Spam-Status: Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT,\r\n"
            + "\tNO_RECEIVED,NO_RELAYS autolearn=disabled version=4.0.1\r\nMIME-Version: 1.0\r\n\r\n";

        var result = Parse($"SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n\r\n{Body}", SpamdCommand.Headers);

        Assert.Equal(["X-Spam-Flag", "X-Spam-Level", "X-Spam-Status"], result.Spam!.HeaderEdits.Select(h => h.Name));
        Assert.All(result.Spam.HeaderEdits, h => Assert.Equal(HeaderEditKind.Add, h.Kind));
        Assert.Equal("YES", result.Spam.HeaderEdits[0].Value);
        Assert.StartsWith("Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT, NO_RECEIVED", result.Spam.HeaderEdits[2].Value, StringComparison.Ordinal);
        Assert.Equal(["GTUBE", "MSGID_SHORT", "NO_RECEIVED", "NO_RELAYS"], result.Spam.Symbols.Select(s => s.Name));
    }

    [Theory]
    [InlineData("SPAMD/1.0 76 Bad header line: FOO SPAMC/1.5\r\n", false)]
    [InlineData("SPAMD/1.0 75 EX_TEMPFAIL\r\n", true)]
    public void Parse_NonZeroStatus_IsError(string reply, bool transient)
    {
        var result = Parse(reply);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.Equal(transient, result.IsTransient);
        Assert.StartsWith("spamd: SPAMD/1.0 7", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n")]
    [InlineData("SPAMD/1.1 0 EX_OK\r\n\r\n")]
    [InlineData("SPAMD/1.1 0 EX_OK\r\nSpam: Maybe ; 1 / 5\r\n\r\n")]
    [InlineData("SPAMD/1.1 0 EX_OK\r\nSpam: True ; x / 5\r\n\r\n")]
    public void Parse_Malformed_IsError(string reply)
        => Assert.Equal(ScanVerdict.Error, Parse(reply).Verdict);

    [Theory]
    [InlineData(" True ; 1000.0 / 5.0", true, 1000.0, 5.0)]
    [InlineData(" Yes ; 7.5 / 5.0", true, 7.5, 5.0)]
    [InlineData(" False ; -1.3 / 6.5", false, -1.3, 6.5)]
    public void TryParseSpamLine_Valid_ParsesAll(string value, bool spam, double score, double required)
    {
        Assert.True(SpamdReplyParser.TryParseSpamLine(value, out var isSpam, out var s, out var r));
        Assert.Equal((spam, score, required), (isSpam, s, r));
    }
}

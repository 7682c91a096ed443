using System.Text;
using System.Text.Json;

namespace MtaKit.Scanning.Tests.Rspamd;

public sealed class RspamdReplyParserTests
{
    private static readonly IReadOnlySet<string> SpamActions = new RspamdClientOptions { Url = new Uri("http://127.0.0.1") }.SpamActions;

    private const string GtubeJson = """{"is_skipped":true,"score":15.0,"required_score":15.0,"action":"reject","symbols":{"GTUBE":{"name":"GTUBE","score":0.0,"metric_score":0.0}},"messages":{"smtp_message":"Gtube pattern"},"message-id":"undef","time_real":0.000354}""";

    private static ScanResult Json(string json) => RspamdReplyParser.ParseJson(Encoding.UTF8.GetBytes(json), SpamActions, "rspamd:x", TimeSpan.FromMilliseconds(2));

    private static ScanResult Http(string response) => RspamdReplyParser.ParseHttp(Encoding.UTF8.GetBytes(response), SpamActions, "rspamd:x", TimeSpan.Zero);

    [Fact]
    public void ParseJson_Gtube_IsSpamWithRejectAndSmtpMessage()
    {
        var result = Json(GtubeJson);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.Equal("reject", result.Spam!.Action);
        Assert.Equal(15.0, result.Spam.Score);
        Assert.Equal(15.0, result.Spam.RequiredScore);
        Assert.Equal("Gtube pattern", result.Spam.SmtpMessage);
        Assert.Equal([new SpamSymbol("GTUBE", 0.0)], result.Spam.Symbols);
    }

    [Fact]
    public void ParseJson_NoAction_IsCleanWithSymbolsAndRemoveHeader()
    {
        var result = Json("""{"is_skipped":false,"score":0.9,"required_score":15.0,"action":"no action","symbols":{"DATE_IN_PAST":{"name":"DATE_IN_PAST","score":1.0},"MIME_GOOD":{"name":"MIME_GOOD","score":-0.100000,"options":["text/plain"]}},"messages":{},"milter":{"remove_headers":{"X-Spam":0}}}""");

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.False(result.Spam!.IsSpam);
        Assert.Equal(0.9, result.Spam.Score);
        Assert.Contains(new SpamSymbol("MIME_GOOD", -0.1), result.Spam.Symbols);
        Assert.Equal([new HeaderEdit(HeaderEditKind.Remove, "X-Spam", null, 0)], result.Spam.HeaderEdits);
        Assert.Null(result.Spam.SmtpMessage);
    }

    [Theory]
    [InlineData("add header", ScanVerdict.Spam)]
    [InlineData("rewrite subject", ScanVerdict.Spam)]
    [InlineData("greylist", ScanVerdict.Clean)]
    [InlineData("soft reject", ScanVerdict.Clean)]
    public void ParseJson_Action_MapsToVerdict(string action, ScanVerdict verdict)
        => Assert.Equal(verdict, Json($$"""{"score":7,"required_score":15,"action":"{{action}}"}""").Verdict);

    [Fact]
    public void ParseMilter_AddHeadersInEveryShape_GivesAdditionsInOrder()
    {
        using var doc = JsonDocument.Parse("""
            {"add_headers":{"X-Spam":{"value":"Yes","order":0},"X-Plain":"v","X-Many":[{"value":"a","order":1},{"value":"b","order":2}]},
             "remove_headers":{"X-Spam-Old":1}}
            """);

        var edits = RspamdReplyParser.ParseMilter(doc.RootElement);

        Assert.Equal(
        [
            new HeaderEdit(HeaderEditKind.Remove, "X-Spam-Old", null, 1),
            new HeaderEdit(HeaderEditKind.Add, "X-Spam", "Yes", 0),
            new HeaderEdit(HeaderEditKind.Add, "X-Plain", "v", 0),
            new HeaderEdit(HeaderEditKind.Add, "X-Many", "a", 1),
            new HeaderEdit(HeaderEditKind.Add, "X-Many", "b", 2),
        ], edits);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"score":1}""")]
    public void ParseJson_Invalid_IsError(string json)
        => Assert.Equal(ScanVerdict.Error, Json(json).Verdict);

    [Fact]
    public void ParseHttp_ContentLength_ReadsJsonBody()
    {
        var response = $"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {GtubeJson.Length}\r\nContent-Type: application/json\r\n\r\n{GtubeJson}";

        Assert.Equal(ScanVerdict.Spam, Http(response).Verdict);
    }

    [Fact]
    public void ParseHttp_Chunked_ReadsJsonBody()
    {
        var first = GtubeJson[..20];
        var rest = GtubeJson[20..];
        var response = $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{first.Length:x}\r\n{first}\r\n{rest.Length:x}\r\n{rest}\r\n0\r\n\r\n";

        Assert.Equal(ScanVerdict.Spam, Http(response).Verdict);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(400, false)]
    public void ParseHttp_ErrorStatus_IsErrorWithRspamdMessage(int status, bool transient)
    {
        var result = Http($"HTTP/1.1 {status} Bad\r\nContent-Length: 24\r\n\r\n{{\"error\":\"bad message\"}}");

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.Equal(transient, result.IsTransient);
        Assert.Contains("bad message", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n")]
    [InlineData("SPAMD/1.1 0 EX_OK\r\n\r\n")]
    public void ParseHttp_Malformed_IsError(string response)
        => Assert.Equal(ScanVerdict.Error, Http(response).Verdict);
}

using System.Text;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>DATA on the wire: dot-unstuffing, the end marker, bare line endings, fragmented input.</summary>
public sealed class DataTests
{
    private static async Task<RawSmtpClient> StartDataAsync(TestServer server)
    {
        var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.ReadLastLineAsync());
        return c;
    }

    [Fact]
    public async Task Data_DotStuffed_Unstuffed()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync("..\r\n...x\r\n.y\r\n a.\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal(".\r\n..x\r\ny\r\n a.\r\n", Assert.Single(server.Handler.Messages).Original);
    }

    [Fact]
    public async Task Data_Empty_Delivered()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync(".\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal(string.Empty, Assert.Single(server.Handler.Messages).Original);
    }

    public static TheoryData<string> BareSequences() => new() { "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r\n.\rX\n", "\n.", "\r." };

    [Theory]
    [MemberData(nameof(BareSequences))]
    public async Task Data_BareSequenceDefaultPolicy_NeverEndsData_Refused554(string sequence)
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync("Subject: smuggle\r\n\r\nbefore" + sequence + "MAIL FROM:<evil@sender.test>\r\nafter\r\n.\r\n");
        Assert.Equal("554 5.6.0 Message contains bare CR or LF line endings: use CRLF", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP")); // exactly one reply: no smuggled MAIL ran
        Assert.Empty(server.Handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Theory]
    [MemberData(nameof(BareSequences))]
    public async Task Data_BareSequenceNormalize_NeverEndsData_StoredWithCrLf(string sequence)
    {
        await using var server = await TestServer.StartAsync(l => l with { BareLineEndings = BareLineEndingPolicy.Normalize });
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync("Subject: smuggle\r\n\r\nbefore" + sequence + "MAIL FROM:<evil@sender.test>\r\nafter\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        var m = Assert.Single(server.Handler.Messages).Original;
        Assert.EndsWith("MAIL FROM:<evil@sender.test>\r\nafter\r\n", m, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', m.Replace("\r\n", "", StringComparison.Ordinal));
        Assert.DoesNotContain('\r', m.Replace("\r\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Data_Normalize_BareEndingsBecomeCrLf()
    {
        await using var server = await TestServer.StartAsync(l => l with { BareLineEndings = BareLineEndingPolicy.Normalize });
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync("a\nb\rc\r\n\nd\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("a\r\nb\r\nc\r\n\r\nd\r\n", Assert.Single(server.Handler.Messages).Original);
    }

    [Fact]
    public async Task Data_OneBytePerWrite_Parsed()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await StartDataAsync(server);
        var body = "Subject: slow\r\n\r\n..dot\r\nline\r\n.\r\n";
        foreach (var b in Encoding.ASCII.GetBytes(body))
        {
            await c.SendRawAsync([b]);
        }

        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("Subject: slow\r\n\r\n.dot\r\nline\r\n", Assert.Single(server.Handler.Messages).Original);
    }

    [Fact]
    public async Task Commands_OneBytePerWrite_Parsed()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        foreach (var b in "EHLO x.test\r\nNOOP\r\n"u8.ToArray())
        {
            await c.SendRawAsync([b]);
        }

        Assert.Equal("250 ENHANCEDSTATUSCODES", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.ReadLastLineAsync());
    }

    [Fact]
    public async Task Data_EndMarkerThenPipelinedCommands_Executed()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await StartDataAsync(server);
        await c.SendRawAsync("body\r\n.\r\nMAIL FROM:<a2@sender.test>\r\nRCPT TO:<b2@example.test>\r\nDATA\r\nsecond\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal(["body\r\n", "second\r\n"], server.Handler.Messages.Select(m => m.Original));
        var ids = server.Handler.Messages.Select(m => m.QueueId).ToArray();
        Assert.NotEqual(ids[0], ids[1]);
    }
}

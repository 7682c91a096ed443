using System.Text;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>Bad input and resource limits on a real server: exact replies, and the session goes on (or closes) as it should.</summary>
public sealed class ProtocolLimitsTests
{
    private static Func<SmtpListenerOptions, SmtpListenerOptions> Limits(SmtpLimits limits) => l => l with { Limits = limits };

    [Fact]
    public async Task PipelinedBatch_OneWrite_RepliesInOrderInOneFlush()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<x@foreign.test>\r\nDATA\r\n");
        var expected = "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n550 5.7.1 Relaying denied\r\n354 End data with <CR><LF>.<CR><LF>\r\n";
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await c.NetworkStream.ReadAsync(buffer, cts.Token); // one read: the four replies were flushed together
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, n));
        await c.SendRawAsync("x\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal(["b@example.test"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task LongLine_SplitAcrossWrites_500AndRestDiscarded()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test> " + new string('x', 3000));
        await c.SendRawAsync(new string('y', 3000) + " RCPT TO:<b@example.test>\r\nNOOP\r\n");
        Assert.Equal("500 5.5.2 Line too long", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
    }

    [Fact]
    public async Task Line_AtMaximumLength_Accepted()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        var line = "NOOP " + new string('x', 2048 - 5);
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync(line));
        Assert.Equal("500 5.5.2 Line too long", await c.CommandAsync(line + "x"));
    }

    [Fact]
    public async Task Data_BodyOverMaxSize_552AndNothingDelivered()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxMessageSize = 10_000 }));
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await c.CommandAsync("MAIL FROM:<a@sender.test> SIZE=10001"));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test> SIZE=10000"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        var line = new string('z', 98) + "\r\n";
        for (var i = 0; i < 120; i++)
        {
            await c.SendRawAsync(line);
        }

        await c.SendRawAsync(".\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Empty(server.Handler.Messages);
        Assert.Equal(0, server.Handler.OpenTransactions);
    }

    [Fact]
    public async Task Bdat_OverMaxSize_552ThenFurtherChunksRefused()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxMessageSize = 2000 }));
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 1500\r\n" + new string('a', 1500));
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 1500 bytes received", await c.ReadLastLineAsync());
        await c.SendRawAsync("BDAT 1000\r\n" + new string('b', 1000) + "BDAT 3 LAST\r\nend");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 No transaction in progress: send RSET", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("RSET"));
        await c.SendRawAsync("BDAT 1 LAST\r\nx");
        Assert.Equal("503 5.5.1 Need MAIL command", await c.ReadLastLineAsync());
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task Rcpt_OverMaxRecipients_452()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxRecipients = 2 }));
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b1@example.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b2@example.test>"));
        Assert.Equal("452 4.5.3 Too many recipients", await c.CommandAsync("RCPT TO:<b3@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.CommandAsync("."));
        Assert.Equal(["b1@example.test", "b2@example.test"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task Bdat_DeclaredLargerThanSent_FollowingCommandsAreData()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        await c.SendRawAsync("BDAT 20 LAST\r\n0123456789");
        await c.SendRawAsync("NOOP\r\nNOOP\r\nNOOP\r\n"); // the first 10 bytes complete the chunk
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("500 5.5.2 Command unrecognized", await c.ReadLastLineAsync()); // the "\r\n" left of the second NOOP
        Assert.Equal("250 2.0.0 Ok", await c.ReadLastLineAsync());
        Assert.Equal("0123456789NOOP\r\nNOOP", Assert.Single(server.Handler.Messages).Original);
    }

    [Fact]
    public async Task Bdat_WithoutMail_BytesConsumedAnd503()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("BDAT 12 LAST\r\nQUIT\r\nQUIT\r\nNOOP\r\n");
        Assert.Equal("503 5.5.1 Need MAIL command", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.ReadLastLineAsync());
    }

    [Fact]
    public async Task Bdat_ThenData_Refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 4\r\nabcdDATA\r\nBDAT 2 LAST\r\nef");
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 4 bytes received", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 BODY=BINARYMIME requires BDAT", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("abcdef", Assert.Single(server.Handler.Messages).Original);
    }

    [Fact]
    public async Task Disconnect_MidData_NothingDeliveredAndTransactionDisposed()
    {
        await using var server = await TestServer.StartAsync();
        var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        await c.SendRawAsync("Subject: cut\r\n\r\nhalf a message\r\n");
        Assert.Equal(1, server.Handler.OpenTransactions);
        await c.DisposeAsync();
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0 && server.Server.ActiveConnections == 0));
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task Disconnect_MidBdat_NothingDeliveredAndTransactionDisposed()
    {
        await using var server = await TestServer.StartAsync();
        var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 100 LAST\r\nonly part");
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        await c.DisposeAsync();
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0 && server.Server.ActiveConnections == 0));
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task SlowClient_CommandTimeout_421AndClose()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { CommandTimeout = TimeSpan.FromMilliseconds(300) }));
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        var started = Environment.TickCount64;
        Assert.Equal("421 4.4.2 Timeout: closing connection", await c.ReadLastLineAsync());
        Assert.True(Environment.TickCount64 - started >= 250);
        Assert.True(await c.IsClosedAsync());
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task SlowClient_DataTimeout_421AndNothingDelivered()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { DataTimeout = TimeSpan.FromMilliseconds(300) }));
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nSubject: slow\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        Assert.Equal("421 4.4.2 Timeout: closing connection", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task ConnectionFlood_MaxConnections_421Greeting()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxConnections = 2 }));
        await using var a = await Session.OpenAsync(server, ehlo: false);
        await using var b = await Session.OpenAsync(server, ehlo: false);
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("421 4.7.0 Too many connections: try again later", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
        Assert.Equal("221 2.0.0 Bye", await a.CommandAsync("QUIT"));
        Assert.True(await a.IsClosedAsync());
        Assert.True(await Session.EventuallyAsync(() => server.Server.ActiveConnections == 1));
        await using var d = await Session.OpenAsync(server, ehlo: false);
    }

    [Fact]
    public async Task ConnectionFlood_MaxConnectionsPerIp_421Greeting()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxConnectionsPerIp = 1 }));
        await using var a = await Session.OpenAsync(server, ehlo: false);
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("421 4.7.0 Too many connections from your address: try again later", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task MaxErrors_Reached_421AndClose()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxErrors = 3 }));
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("500 5.5.2 Command unrecognized", await c.CommandAsync("FOO"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        Assert.Equal("500 5.5.2 Command unrecognized", await c.CommandAsync("BAR"));
        Assert.Equal("421 4.7.0 Too many errors: closing connection", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task EarlyTalker_SendsBeforeGreeting_554ThenOnlyQuit()
    {
        await using var server = await TestServer.StartAsync(l => l with { GreetingDelay = TimeSpan.FromMilliseconds(400) });
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendAsync("EHLO spammer.test");
        Assert.Equal("554 5.7.1 Protocol violation: talked before the greeting", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Session refused: only QUIT is accepted", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Session refused: only QUIT is accepted", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("503 5.5.1 Session refused: only QUIT is accepted", await c.CommandAsync("NOOP"));
        Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task GreetingDelay_PatientClient_Greeted()
    {
        await using var server = await TestServer.StartAsync(l => l with { GreetingDelay = TimeSpan.FromMilliseconds(300) });
        var started = Environment.TickCount64;
        await using var c = await Session.OpenAsync(server);
        Assert.True(Environment.TickCount64 - started >= 250);
    }

    [Fact]
    public async Task ConnectStage_Rejects_554GreetingThenOnlyQuit()
    {
        var stage = new TestStage { Connect = (_, _) => new(SmtpVerdict.Reject(550, "5.7.1", "Your address is listed")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("554 Your address is listed", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Session refused: only QUIT is accepted", await c.CommandAsync("EHLO client.test"));
        Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task ConnectStage_Defers_421AndClose()
    {
        var stage = new TestStage { Connect = (_, _) => new(SmtpVerdict.Defer(450, "4.7.1", "Busy")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("421 Busy", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task MaxMessagesPerConnection_Reached_421()
    {
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MaxMessagesPerConnection = 1 }));
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("250 2.0.0 Ok", await c.CommandAsync("x\r\n."));
        Assert.Equal("421 4.7.0 Too many messages in one session: closing connection", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.True(await c.IsClosedAsync());
    }
}

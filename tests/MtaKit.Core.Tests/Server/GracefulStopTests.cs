using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

public sealed class GracefulStopTests
{
    [Fact]
    public async Task Stop_MidTransaction_TransactionCompletesThen421()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        var stop = server.Server.StopAsync();
        await Task.Delay(200); // let the drain signal reach the session while it waits for the body
        Assert.False(stop.IsCompleted);
        await c.SendRawAsync("Subject: in flight\r\n\r\nbody\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("421 4.3.2 Service shutting down: try again later", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(server.Handler.Messages);
    }

    [Fact]
    public async Task Stop_MidTransactionBeforeData_NextCommandsServedUntilEnd()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        var stop = server.Server.StopAsync();
        await Task.Delay(200);
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 Ok", await c.CommandAsync("x\r\n."));
        Assert.Equal("421 4.3.2 Service shutting down: try again later", await c.ReadLastLineAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stop_IdleClient_421Promptly()
    {
        await using var server = await TestServer.StartAsync(server: o => o with { DrainTimeout = TimeSpan.FromSeconds(30) });
        await using var c = await Session.OpenAsync(server);
        c.Timeout = TimeSpan.FromSeconds(3);
        var started = Environment.TickCount64;
        var stop = server.Server.StopAsync();
        Assert.Equal("421 4.3.2 Service shutting down: try again later", await c.ReadLastLineAsync());
        Assert.True(await c.IsClosedAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Environment.TickCount64 - started < 5000);
    }

    [Fact]
    public async Task Stop_NewConnections_Refused()
    {
        await using var server = await TestServer.StartAsync();
        var endPoint = server.EndPoint;
        await server.Server.StopAsync();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(async () => await MtaKit.Testing.RawSmtpClient.ConnectAsync(endPoint));
    }

    [Fact]
    public async Task Stop_DrainTimeoutPassed_StuckSessionAborted()
    {
        var handler = new CollectingHandler { BeforeDeliver = c => new ValueTask(Task.Delay(Timeout.Infinite, c.Aborted)) };
        await using var server = await TestServer.StartAsync(server: o => o with { DrainTimeout = TimeSpan.FromMilliseconds(300) }, handler: handler);
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        await c.SendRawAsync("x\r\n.\r\n");
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 1));
        await server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(handler.Messages);
        Assert.Equal(0, server.Server.ActiveConnections);
    }
}

using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class BasicSessionTests
{
    [Fact]
    public async Task Session_SimpleTransaction_DeliversExactBytes()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        await c.SendAsync("EHLO client.test");
        var ehlo = await c.ReadReplyAsync();
        Assert.Equal("250-mx.test Hello client.test", ehlo[0]);
        Assert.Contains("250-PIPELINING", ehlo);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        await c.SendRawAsync("Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal("Subject: hi\r\n\r\n.leading dot\r\nbody\r\n", m.Original);
        Assert.StartsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.test (MtaKit) with ESMTP id " + m.QueueId + "\r\n\tfor <b@example.test>; ", m.Text);
    }

    [Fact]
    public async Task Ehlo_SecondSessionAndRepeatedEhlo_SameExtensionLinesWithEachName()
    {
        await using var server = await TestServer.StartAsync();
        IReadOnlyList<string>? first = null;
        foreach (var name in new[] { "one.test", "two.test", "[127.0.0.1]" })
        {
            await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
            Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
            await c.SendAsync("EHLO " + name);
            var ehlo = await c.ReadReplyAsync();
            Assert.Equal("250-mx.test Hello " + name, ehlo[0]);
            Assert.StartsWith("250 ", ehlo[^1]);
            Assert.All(ehlo.Take(ehlo.Count - 1), l => Assert.StartsWith("250-", l));
            Assert.Equal(first?.Skip(1) ?? ehlo.Skip(1), ehlo.Skip(1));
            first ??= ehlo;
            await c.SendAsync("EHLO again.test");
            Assert.Equal(["250-mx.test Hello again.test", .. ehlo.Skip(1)], await c.ReadReplyAsync());
        }
    }

    [Fact]
    public async Task Ehlo_CarriageReturnInsideName_501AndSessionGoesOn()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        Assert.Equal("501 5.5.4 Syntax: EHLO hostname", await c.CommandAsync("EHLO bad\rname.test"));
        Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"));
        Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
    }
}

using Microsoft.Extensions.Time.Testing;
using MimeKit.Utils;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>The engine's Received header: its date (formatted once per second) and the builder reused across a session's messages.</summary>
public sealed class ReceivedHeaderTests
{
    [Fact]
    public async Task Received_MessagesAcrossSeconds_EachCarriesItsOwnDate()
    {
        var start = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        await using var server = await TestServer.StartAsync(time: time);
        await using var c = await OpenAsync(server);
        var sent = new List<DateTimeOffset>();
        foreach (var step in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(700), TimeSpan.FromMinutes(2) }) // below the 5-minute command timeout
        {
            time.Advance(step);
            sent.Add(time.GetUtcNow());
            Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
            Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<b" + sent.Count + "@example.test>"));
            Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
            await c.SendRawAsync("Subject: " + sent.Count + "\r\n\r\nbody\r\n.\r\n");
            Assert.StartsWith("250 ", await c.ReadLastLineAsync());
        }

        var messages = server.Handler.Messages.ToArray();
        Assert.Equal(4, messages.Length);
        for (var i = 0; i < messages.Length; i++)
        {
            var received = messages[i].Text[..messages[i].Text.IndexOf("\r\nSubject:", StringComparison.Ordinal)];
            Assert.StartsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.test (MtaKit) with ESMTP id " + messages[i].QueueId + "\r\n\tfor <b" + (i + 1) + "@example.test>; ", received);
            Assert.EndsWith("; " + DateUtils.FormatDate(sent[i]), received);
        }

        Assert.Equal(DateUtils.FormatDate(start), DateUtils.FormatDate(sent[1])); // same second: the cached text
        Assert.NotEqual(DateUtils.FormatDate(sent[1]), DateUtils.FormatDate(sent[2]));
    }

    [Theory]
    [InlineData("SIZE=10 SIZE=20", "501 5.5.4 Duplicate parameter SIZE")]
    [InlineData("BODY=7BIT SIZE=10 BODY=8BITMIME", "501 5.5.4 Duplicate parameter BODY")]
    [InlineData("SIZE=10 BODY=8BITMIME", "250 2.1.0 Sender OK")]
    [InlineData("SIZE=10", "250 2.1.0 Sender OK")]
    public async Task Mail_Parameters_DuplicatesRefused(string parameters, string expected)
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await OpenAsync(server);
        Assert.Equal(expected, await c.CommandAsync("MAIL FROM:<a@sender.test> " + parameters));
    }

    private static async Task<RawSmtpClient> OpenAsync(TestServer server)
    {
        var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        await c.ReadReplyAsync();
        return c;
    }
}

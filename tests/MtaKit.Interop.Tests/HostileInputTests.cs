using System.Text;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>
/// Hostile clients against the hosted inbound relay (the InboundRelay sample's configuration):
/// open-relay tricks, bytes that are not SMTP, recipient and error floods, slowloris, and
/// over-long header lines. The engine-level versions of these live in
/// tests/MtaKit.Core.Tests/Server (see docs/security.md); these run the whole host.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>Recipient forms that try to make the relay deliver outside its routed domains (*.port.test).</summary>
    public static TheoryData<string> OpenRelayAttempts() => new()
    {
        "<victim@outside.test>",
        "<VICTIM@OUTSIDE.TEST>",
        "<victim@outside.test.>",
        "<@p1.port.test:victim@outside.test>",
        "<@p1.port.test,@p2.port.test:victim@outside.test>",
        "<victim%outside.test@relay.interop.test>",
        "<victim%outside.test>",
        "<outside.test!victim>",
        "<outside.test!victim@relay.interop.test>",
        "<\"victim@outside.test\">",
        "<\"victim@outside.test\"@relay.interop.test>",
        "<victim@[192.0.2.1]>",
        "<victim@[127.0.0.1]>",
        "<victim@[IPv6:::1]>",
        "<victim@port.test>",
        "<victim@p1.port.test.outside.test>",
        "<victim@outside.test@p1.port.test>",
        "<victim@outside.test> NOTIFY=NEVER",
        "victim@outside.test",
    };

    [SkippableTheory]
    [MemberData(nameof(OpenRelayAttempts))]
    public async Task Rcpt_OpenRelayAttempt_RefusedAndNothingRelayed(string forwardPath)
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        await using var c = await OpenAsync(relay);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<spammer@outside.test>"), StringComparison.Ordinal);
        var reply = await c.CommandAsync("RCPT TO:" + forwardPath);
        Assert.Matches(@"^5\d\d 5\.(7\.1|1\.\d|5\.\d) ", reply);
        Assert.StartsWith("5", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        Assert.Empty(capture.Messages);
    }

    [SkippableTheory]
    [InlineData("<user@{0}>")]
    [InlineData("<USER@{1}>")]
    public async Task Rcpt_RoutedDomainAnyCase_Relayed(string template)
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        capture.AcceptedDomains.Add(capture.Domain.ToUpperInvariant());
        await using var c = await OpenAsync(relay);
        await c.CommandAsync("MAIL FROM:<sender@client.test>");
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:" + string.Format(System.Globalization.CultureInfo.InvariantCulture, template, capture.Domain, capture.Domain.ToUpperInvariant())), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("MAIL FROM:<a\0b@client.test>")]
    [InlineData("MAIL FROM:<sender@client.test>\0")]
    [InlineData("\0\0\0\0")]
    [InlineData("MAIL FROM:<\u00ff\u00fe@client.test>")]
    [InlineData("EHLO \u00ff\u00fe\u00fd")]
    [InlineData("RCPT\tTO:<x@y>")]
    public async Task Command_NulOrInvalidUtf8_RefusedAndSessionUsable(string line)
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        await using var c = await OpenAsync(relay);
        // Latin-1: each char one byte, so \u00ff is the invalid UTF-8 byte 0xFF on the wire.
        await c.SendRawAsync(Encoding.Latin1.GetBytes(line + "\r\n"));
        Assert.Matches(@"^5\d\d ", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        Assert.Empty(capture.Messages);
    }

    [SkippableFact]
    public async Task Rcpt_TenThousandPipelined_DefaultLimit_452ThenClosedOnErrors()
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        await using var c = await OpenAsync(relay);
        var batch = new StringBuilder("MAIL FROM:<sender@client.test>\r\n");
        for (var i = 0; i < 10_000; i++)
        {
            batch.Append("RCPT TO:<r").Append(i).Append('@').Append(capture.Domain).Append(">\r\n");
        }

        try
        {
            await c.SendRawAsync(batch.ToString()); // the server may close before it has read it all
        }
        catch (IOException)
        {
        }

        var codes = new List<string>();
        while (await ReadLineOrNullAsync(c) is { } line)
        {
            codes.Add(line[..3]);
        }

        Assert.Equal("250", codes[0]); // MAIL
        Assert.Equal(100, codes.Count(x => x == "250") - 1); // MaxRecipients (default 100)
        Assert.Equal("421", codes[^1]); // too many errors: closed, not 9,900 replies
        Assert.InRange(codes.Count(x => x == "452"), 1, 20);
        Assert.Empty(capture.Messages);
    }

    [SkippableFact]
    public async Task Rcpt_TenThousandPipelined_LimitRaised_OneMessageWithAllRecipients()
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port, s => s["MtaKit:Limits:MaxRecipients"] = "10000");
        await using var c = await OpenAsync(relay);
        c.Timeout = TimeSpan.FromSeconds(60);
        var batch = new StringBuilder("MAIL FROM:<sender@client.test>\r\n");
        for (var i = 0; i < 10_000; i++)
        {
            batch.Append("RCPT TO:<r").Append(i).Append('@').Append(capture.Domain).Append(">\r\n");
        }

        batch.Append("DATA\r\n");
        await c.SendRawAsync(batch.ToString());
        Assert.StartsWith("250", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.StartsWith("250", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        }

        Assert.StartsWith("354", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("Subject: many\r\n\r\nbody\r\n."), StringComparison.Ordinal);
        var m = Assert.Single(capture.Messages);
        Assert.Equal(10_000, m.ForwardPaths.Distinct().Count());
    }

    [SkippableFact]
    public async Task ErrorFlood_UnknownCommands_ClosedAfterMaxErrors()
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port, s => s["MtaKit:Limits:MaxErrors"] = "5");
        await using var c = await OpenAsync(relay);
        await c.SendRawAsync(string.Concat(Enumerable.Repeat("XYZZY\r\n", 1000)));
        var lines = new List<string>();
        while (await ReadLineOrNullAsync(c) is { } line)
        {
            lines.Add(line);
        }

        Assert.Equal(5, lines.Count(l => l.StartsWith("500 ", StringComparison.Ordinal)));
        Assert.Equal("421 4.7.0 Too many errors: closing connection", lines[^1]);
    }

    [SkippableFact]
    public async Task Slowloris_OneByteAMinute_ClosedAtCommandTimeout()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port, time: time);
        await using var c = await OpenAsync(relay);
        var line = Encoding.ASCII.GetBytes("MAIL FROM:<slow-sender-with-a-long-address@client.test>");
        var reply = c.ReadLastLineAsync();
        var minutes = 0;
        for (var i = 0; i < line.Length && !reply.IsCompleted; i++)
        {
            try
            {
                await c.SendRawAsync(line[i..(i + 1)]);
            }
            catch (IOException)
            {
                break;
            }

            time.Advance(TimeSpan.FromMinutes(1));
            minutes++;
            await Task.WhenAny(reply, Task.Delay(50));
        }

        // CommandTimeout (default 5 minutes) bounds the whole line, not the gap between bytes.
        Assert.True(reply.IsCompleted, $"still open after {minutes} one-byte minutes");
        Assert.Equal("421 4.4.2 Timeout: closing connection", await reply);
        Assert.InRange(minutes, 5, 7);
        Assert.True(await c.IsClosedAsync());
    }

    [SkippableTheory]
    [InlineData(998)]
    [InlineData(5_000)]
    [InlineData(200_000)]
    public async Task Data_OverLongHeaderLine_RelayedUnsplitOrRefused(int length)
    {
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        await using var c = await OpenAsync(relay);
        await c.CommandAsync("MAIL FROM:<sender@client.test>");
        await c.CommandAsync($"RCPT TO:<user@{capture.Domain}>");
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        var header = "X-Long: " + new string('h', length - 8);
        var reply = await c.CommandAsync($"Subject: long\r\n{header}\r\n\r\nbody\r\n.");
        if (reply.StartsWith("250", StringComparison.Ordinal))
        {
            var m = Assert.Single(capture.Messages);
            Assert.Contains("\r\n" + header + "\r\n\r\nbody\r\n", m.Text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Matches(@"^5\d\d 5\.\d\.\d ", reply);
            Assert.Empty(capture.Messages);
        }
    }

    private static async Task<RawSmtpClient> OpenAsync(RelayHost relay)
    {
        var c = await RawSmtpClient.ConnectAsync(relay.EndPoint);
        Assert.StartsWith("220 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("EHLO client.interop.test"), StringComparison.Ordinal);
        return c;
    }

    private static async Task<string?> ReadLineOrNullAsync(RawSmtpClient c)
    {
        try
        {
            return await c.ReadLineAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

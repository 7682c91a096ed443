using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>The DATA/BDAT slowloris defence: <see cref="SmtpLimits.MinimumDataRate"/> after <see cref="SmtpLimits.DataRateGracePeriod"/>, on a FakeTimeProvider.</summary>
public sealed class DataRateTests
{
    private const string TooSlow = "421 4.4.2 Data transfer too slow: closing connection";

    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private static Func<SmtpListenerOptions, SmtpListenerOptions> Limits(SmtpLimits limits) => l => l with { Limits = limits };

    [Fact]
    public async Task Data_OneByteAMinute_ClosedAfterGracePeriodWith421AndLogged()
    {
        var time = NewTime();
        var logs = new FakeTimeTests.CapturingLoggerFactory();
        await using var server = await TestServer.StartAsync(time: time, loggerFactory: logs);
        await using var c = await Session.OpenAsync(server);
        await StartDataAsync(c);

        var (reply, minutes) = await DripAsync(c, time, "Subject: slow\r\n\r\n" + new string('x', 100), TimeSpan.FromMinutes(1));

        // Each byte comes well inside DataTimeout (3 minutes), so only the whole-transfer deadline ends it:
        // DataRateGracePeriod (3 minutes) plus a few bytes at 500 bytes/s.
        Assert.Equal(TooSlow, reply);
        Assert.InRange(minutes, 3, 5);
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(server.Handler.Messages);
        var line = Assert.Single(logs.Entries, e => e.Id == 1013);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("bytes=", line.Message, StringComparison.Ordinal);
        Assert.True(await Session.EventuallyAsync(() => logs.Entries.Any(e => e.Id == 1002 && e.Message.Contains("reason=data too slow", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Bdat_OneByteChunkAMinute_RateMeasuredOverWholeMessage()
    {
        var time = NewTime();
        await using var server = await TestServer.StartAsync(time: time);
        await using var c = await Session.OpenAsync(server);
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<b@example.test>"));
        string? last = null;
        var minutes = 0;
        while (minutes < 30)
        {
            // A fresh chunk per minute: each BDAT command line and its byte arrive at once, yet the message crawls.
            await c.SendRawAsync("BDAT 1\r\nx");
            last = await c.ReadLastLineAsync();
            if (!last.StartsWith("250 ", StringComparison.Ordinal))
            {
                break;
            }

            time.Advance(TimeSpan.FromMinutes(1));
            minutes++;
        }

        Assert.Equal(TooSlow, last);
        Assert.InRange(minutes, 3, 5);
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task Data_SlowButAboveMinimumRate_AcceptedAfterGracePeriod()
    {
        var time = NewTime();
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MinimumDataRate = 100, DataRateGracePeriod = TimeSpan.FromMinutes(1) }), time: time);
        await using var c = await Session.OpenAsync(server);
        await StartDataAsync(c);
        await c.SendRawAsync("Subject: steady\r\n\r\n");

        // 1,000 bytes every 5 seconds (200 bytes/s) for 4 minutes: four times the grace period, twice the minimum rate.
        var line = new string('y', 998) + "\r\n";
        var pending = c.ReadLastLineAsync();
        for (var i = 0; i < 48; i++)
        {
            await c.SendRawAsync(line);
            await Task.Delay(5);
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.False(pending.IsCompleted, $"answered after {(i + 1) * 5} s: {(pending.IsCompleted ? await pending : null)}");
        }

        await c.SendRawAsync(".\r\n");
        Assert.StartsWith("250 ", await pending);
        Assert.Single(server.Handler.Messages);
    }

    [Fact]
    public async Task Data_MinimumDataRateZero_OnlyIdleTimeoutApplies()
    {
        var time = NewTime();
        await using var server = await TestServer.StartAsync(Limits(new SmtpLimits { MinimumDataRate = 0, DataTimeout = TimeSpan.FromHours(1) }), time: time);
        await using var c = await Session.OpenAsync(server);
        await StartDataAsync(c);
        var pending = c.ReadLastLineAsync();
        for (var i = 0; i < 12; i++)
        {
            // One byte a minute for 12 minutes: far past the grace period (3 minutes), each byte well inside DataTimeout.
            await c.SendRawAsync("z");
            await Task.Delay(20);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(100);
        Assert.False(pending.IsCompleted, "closed although the rate check is off");
        await c.SendRawAsync("\r\n.\r\n");
        Assert.StartsWith("250 ", await pending);
    }

    [Theory]
    [InlineData(-1, 60, "MinimumDataRate")]
    [InlineData(500, 0, "DataRateGracePeriod")]
    public void Validate_BadRateSettings_NamesTheKey(int rate, int graceSeconds, string key)
    {
        var limits = new SmtpLimits { MinimumDataRate = rate, DataRateGracePeriod = TimeSpan.FromSeconds(graceSeconds) };
        var error = Assert.Single(limits.Validate("MtaKit:Limits:"));
        Assert.StartsWith("MtaKit:Limits:" + key + " ", error, StringComparison.Ordinal);
    }

    /// <summary>Sends MAIL, RCPT and DATA in one write and checks the 354.</summary>
    private static async Task StartDataAsync(RawSmtpClient c)
    {
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
    }

    /// <summary>Sends <paramref name="text"/> one byte per <paramref name="step"/> of fake time until the server answers.</summary>
    private static async Task<(string? Reply, int Steps)> DripAsync(RawSmtpClient c, FakeTimeProvider time, string text, TimeSpan step)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var reply = c.ReadLastLineAsync();
        var steps = 0;
        for (var i = 0; i < bytes.Length && !reply.IsCompleted; i++)
        {
            try
            {
                await c.SendRawAsync(bytes[i..(i + 1)]);
            }
            catch (IOException)
            {
                break;
            }

            await Task.Delay(20);
            time.Advance(step);
            steps++;
            await Task.WhenAny(reply, Task.Delay(50));
        }

        return (reply.IsCompleted ? await reply : null, steps);
    }
}

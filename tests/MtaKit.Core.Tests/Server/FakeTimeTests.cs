using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>Timeouts driven by a FakeTimeProvider (no sleeping for minutes), and the engine's log events.</summary>
public sealed class FakeTimeTests
{
    [Fact]
    public async Task CommandTimeout_FakeTime_421OnlyAfterFullTimeout()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(time: time);
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        var reply = c.ReadLastLineAsync();
        var minutes = 0;
        while (!reply.IsCompleted && minutes < 30)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            minutes++;
            await Task.WhenAny(reply, Task.Delay(100));
        }

        Assert.Equal("421 4.4.2 Timeout: closing connection", await reply);
        Assert.InRange(minutes, 5, 29); // the default CommandTimeout is 5 minutes: never earlier
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Received_UsesInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(time: time);
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("250 ", await c.CommandAsync("x\r\n."));
        Assert.Contains("; Sun, 01 Mar 2026 12:00:00 +0000\r\n", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StageFault_LoggedWithEventId1030()
    {
        var logs = new CapturingLoggerFactory();
        var stage = new TestStage { Mail = (_, _) => throw new InvalidOperationException("bug in stage") };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage), loggerFactory: logs);
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("451 4.3.0 Temporary local problem: try again later", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        var fault = Assert.Single(logs.Entries, e => e.Id == 1030);
        Assert.Equal(LogLevel.Error, fault.Level);
        Assert.IsType<InvalidOperationException>(fault.Exception);
        Assert.Contains("phase=mail", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_PasswordNeverLogged()
    {
        var logs = new CapturingLoggerFactory();
        await using var server = await TestServer.StartAsync(l => l with { RequireTlsForAuth = false }, authenticator: new TestAuthenticator(), loggerFactory: logs);
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0TopSecret1"u8.ToArray())));
        Assert.Equal("334 VXNlcm5hbWU6", await c.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await c.CommandAsync(Convert.ToBase64String("alice"u8.ToArray())));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync(Convert.ToBase64String("TopSecret2"u8.ToArray())));
        Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
        Assert.True(await Session.EventuallyAsync(() => logs.Entries.Any(e => e.Id == 1002)));
        Assert.Contains(logs.Entries, e => e.Id == 1032);
        foreach (var e in logs.Entries)
        {
            Assert.DoesNotContain("TopSecret", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("VG9wU2VjcmV0", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String("\0alice\0TopSecret1"u8.ToArray()), e.Message, StringComparison.Ordinal);
        }
    }

    internal sealed record LogEntry(int Id, LogLevel Level, string Message, Exception? Exception);

    internal sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Enqueue(new LogEntry(eventId.Id, logLevel, formatter(state, exception), exception));
    }
}

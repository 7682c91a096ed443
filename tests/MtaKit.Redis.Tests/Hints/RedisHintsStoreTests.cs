using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Handlers.Maildir;
using MtaKit.Queueing;
using MtaKit.Server;
using MtaKit.Testing;
using StackExchange.Redis;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>What only a shared store does: atomicity under concurrency, several relays and nodes on one Redis, failure policy.</summary>
public sealed class RedisHintsStoreTests
{
    [SkippableFact]
    public async Task IncrementAsync_100Parallel_CountsExactly100()
    {
        await using var connection = await RedisConnections.SharedAsync();
        var sut = new RedisHintsStore(connection, new RedisHintsStoreOptions { KeyPrefix = RedisConnections.UniquePrefix() });

        var counts = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await sut.IncrementAsync("c", TimeSpan.FromHours(1)))));

        // Every increment saw a distinct count: none was lost or applied twice.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), counts.Order());
        Assert.Equal(101, await sut.IncrementAsync("c", TimeSpan.FromHours(1)));
    }

    [SkippableFact]
    public async Task Stores_SamePrefixShareState_OtherPrefixIsIsolated()
    {
        await using var a = await RedisConnections.SharedAsync();
        await using var b = await RedisConnections.SharedAsync();
        var prefix = RedisConnections.UniquePrefix();
        var first = new RedisHintsStore(a, new RedisHintsStoreOptions { KeyPrefix = prefix });
        var second = new RedisHintsStore(b, new RedisHintsStoreOptions { KeyPrefix = prefix });
        var other = new RedisHintsStore(b, new RedisHintsStoreOptions { KeyPrefix = RedisConnections.UniquePrefix() });

        await first.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));
        await first.IncrementAsync("c", TimeSpan.FromHours(1), 5);

        Assert.Equal("v", await second.GetStringAsync("k"));
        Assert.Equal(6, await second.IncrementAsync("c", TimeSpan.FromHours(1)));
        Assert.Null(await other.GetAsync("k"));
        Assert.Equal(1, await other.IncrementAsync("c", TimeSpan.FromHours(1)));
        Assert.True(await a.GetDatabase().KeyExistsAsync(prefix + "e:k"));
    }

    [SkippableFact]
    public async Task RateLimitStage_TwoRelaysOnOneRedis_EnforceTheSumOfBoth()
    {
        var prefix = RedisConnections.UniquePrefix();
        await using var a = await RedisConnections.SharedAsync();
        await using var b = await RedisConnections.SharedAsync();
        using var dir = new TempDirectory();
        var rule = new RateLimitRule { Key = RateLimitKey.Ip, Phase = RateLimitPhase.Mail, Limit = 3, Window = TimeSpan.FromHours(1) };
        await using var relayA = await StartRelayAsync(new RateLimitStage(new RateLimitOptions { Rules = [rule] }, new RedisHintsStore(a, new RedisHintsStoreOptions { KeyPrefix = prefix })), dir.Path);
        await using var relayB = await StartRelayAsync(new RateLimitStage(new RateLimitOptions { Rules = [rule] }, new RedisHintsStore(b, new RedisHintsStoreOptions { KeyPrefix = prefix })), dir.Path);

        var replies = new List<string>();
        foreach (var relay in new[] { relayA, relayB, relayA, relayB, relayA })
        {
            replies.Add(await MailAsync(relay.GetEndPoint("test")));
        }

        Assert.All(replies.Take(3), r => Assert.StartsWith("250", r));
        Assert.All(replies.Skip(3), r => Assert.StartsWith("450 4.7.1", r));
    }

    [SkippableFact]
    public async Task HintsStoreRetryHints_TwoFallbackNodes_SeeEachOthersDownHosts()
    {
        var prefix = RedisConnections.UniquePrefix();
        await using var a = await RedisConnections.SharedAsync();
        await using var b = await RedisConnections.SharedAsync();
        var nodeA = new HintsStoreRetryHints(new RedisHintsStore(a, new RedisHintsStoreOptions { KeyPrefix = prefix }));
        var nodeB = new HintsStoreRetryHints(new RedisHintsStore(b, new RedisHintsStoreOptions { KeyPrefix = prefix }));
        var now = DateTimeOffset.UtcNow;

        await nodeA.RecordFailureAsync("MX.Down.Test", now, now.AddMinutes(10), "421 4.3.2 busy");
        var seen = await nodeB.GetAsync("mx.down.test");

        Assert.NotNull(seen);
        Assert.False(seen.AllowsAttemptAt(now.AddMinutes(5)));
        Assert.Equal("421 4.3.2 busy", seen.LastError);

        await nodeB.RecordFailureAsync("mx.down.test", now.AddMinutes(1), now.AddMinutes(20), "timeout");
        var merged = await nodeA.GetAsync("mx.down.test");
        Assert.Equal(now, merged!.FirstFailure);
        Assert.Equal(now.AddMinutes(20), merged.NextAllowedAttempt);

        await nodeA.RecordSuccessAsync("mx.down.test");
        Assert.Null(await nodeB.GetAsync("mx.down.test"));
    }

    [Fact]
    public async Task Operations_RedisUnreachableWithThrow_ThrowConnectionException()
    {
        await using var connection = await RedisConnections.ConnectAsync(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));
        var sut = new RedisHintsStore(connection, new RedisHintsStoreOptions { OnFailure = RedisFailurePolicy.Throw });

        await Assert.ThrowsAsync<RedisConnectionException>(async () => await sut.GetAsync("k"));
        await Assert.ThrowsAsync<RedisConnectionException>(async () => await sut.IncrementAsync("c", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Operations_RedisUnreachableWithFailOpen_ActAsEmptyAndWarnOncePerInterval()
    {
        var time = new FakeTimeProvider();
        var logger = new CollectingLogger<RedisHintsStore>();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var measured = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "mtakit.hints.redis.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => measured.Add(tags[0].Value + "=" + value));
        listener.Start();
        await using var connection = await RedisConnections.ConnectAsync(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));
        var sut = new RedisHintsStore(connection, new RedisHintsStoreOptions(), logger, time, meterFactory);

        Assert.Equal(0, await sut.IncrementAsync("c", TimeSpan.FromMinutes(1)));
        Assert.Null(await sut.GetAsync("k"));
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));
        Assert.False(await sut.DeleteAsync("k"));
        Assert.True(await sut.SetIfAbsentAsync("k", "v"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.False(await sut.CompareAndSetAsync("k", "v"u8.ToArray(), "w"u8.ToArray(), TimeSpan.FromMinutes(1)));

        Assert.Equal(6, sut.Failures);
        Assert.Contains("IncrementAsync=1", measured);
        Assert.Equal(6, measured.Count);
        Assert.Equal(1, logger.Count(5000));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await sut.GetAsync("k"));

        Assert.Equal(2, logger.Count(5000));
        var last = logger.Entries.Last(e => e.EventId == 5000);
        Assert.Equal(LogLevel.Warning, last.Level);
        Assert.Contains("5 similar failures", last.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        using var connection = ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { { "127.0.0.1", FreePort.Next() } }, AbortOnConnectFail = false, ConnectTimeout = 100 });

        var ex = Assert.Throws<ArgumentException>(() => new RedisHintsStore(connection, new RedisHintsStoreOptions { KeyPrefix = "a b" }));
        Assert.Contains("KeyPrefix", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<SmtpServer> StartRelayAsync(RateLimitStage stage, string maildir)
    {
        var options = new SmtpServerOptions { ServerName = "mx.test", Listeners = [new SmtpListenerOptions { Name = "test", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }] };
        var server = new SmtpServer(options, new MaildirMessageHandler(new MaildirOptions { Root = maildir }), new SmtpPipelineBuilder().Use(stage).Build());
        await server.StartAsync();
        return server;
    }

    private static async Task<string> MailAsync(IPEndPoint endPoint)
    {
        await using var client = await RawSmtpClient.ConnectAsync(endPoint);
        Assert.StartsWith("220", await client.ReadLastLineAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        return await client.CommandAsync("MAIL FROM:<s@sender.test>");
    }
}
